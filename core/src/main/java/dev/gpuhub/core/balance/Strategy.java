package dev.gpuhub.core.balance;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a {@link BackendPool} chooses among its eligible backends. The wire names are the seed's
 * (broker request {@code AppID:<type>:<approach>}) and {@code ServiceSpec.strategy}'s.
 */
public enum Strategy {
  /**
   * In turn: the next eligible backend after the one round robin chose last (the first call
   * chooses the first backend, as the seed's counter starting at -1 does). Backends that are not
   * eligible are skipped, so their turns go to the next one.
   */
  ROUND_ROBIN("round_robin"),
  /**
   * The eligible backend with the fewest connections open now (leases not yet released, whatever
   * strategy acquired them). Ties go to the first tied backend after the one least connections
   * chose last, so an idle pool is used in turn rather than always its first backend.
   */
  LEAST_CONNECTIONS("least_connections");

  private final String wireName;

  Strategy(String wireName) {
    this.wireName = wireName;
  }

  /** {@code round_robin} or {@code least_connections}. */
  public String wireName() {
    return wireName;
  }

  /** The strategy with this exact wire name (case-sensitive, as the seed compares). */
  public static Optional<Strategy> fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
