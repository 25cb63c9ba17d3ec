package dev.gpuhub.broker;

import java.util.Arrays;
import java.util.Optional;

/** The seed's request types: {@code Long} (5 s of work by default) and {@code Short} (1 s). */
public enum AppType {
  LONG("Long"),
  SHORT("Short");

  private final String wireName;

  AppType(String wireName) {
    this.wireName = wireName;
  }

  /** {@code Long} or {@code Short}. */
  public String wireName() {
    return wireName;
  }

  /** The type with exactly this name (case-sensitive, as the seed compares). */
  public static Optional<AppType> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
