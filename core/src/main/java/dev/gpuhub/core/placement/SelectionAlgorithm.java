package dev.gpuhub.core.placement;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The seed's five selection algorithms (SPEC §3), by their wire names. */
public enum SelectionAlgorithm {
  /** Rotate over the score-sorted candidates (the seed default). */
  ROUND_ROBIN("round_robin"),
  /** Fewest running containers first. */
  LEAST_CONNECTIONS("least_connections"),
  /** Smooth weighted round robin, weight = cpu cores. */
  WEIGHTED_ROUND_ROBIN("weighted_round_robin"),
  /** Lowest load scores first. */
  BEST_FIT("best_fit"),
  /** Uniformly random among candidates. */
  RANDOM("random");

  private final String wireName;

  SelectionAlgorithm(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /**
   * The algorithm with this wire name.
   *
   * @throws IllegalArgumentException naming the accepted values when {@code name} is unknown
   */
  public static SelectionAlgorithm fromWireName(String name) {
    String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (SelectionAlgorithm a : values()) {
      if (a.wireName.equals(wanted)) return a;
    }
    throw new IllegalArgumentException("unknown algorithm '" + name + "'; use one of " + names());
  }

  /** Comma-separated wire names, for error messages. */
  public static String names() {
    return Arrays.stream(values()).map(SelectionAlgorithm::wireName).collect(Collectors.joining(", "));
  }
}
