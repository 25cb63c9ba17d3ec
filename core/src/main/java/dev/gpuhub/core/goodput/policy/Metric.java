package dev.gpuhub.core.goodput.policy;

import java.util.Locale;

/**
 * A job's metric option (seed 002): {@code DEFAULT} optimises goodput, {@code SPEED} throughput only
 * (statistical efficiency ignored), {@code COST} raises the scale-up utility threshold of the
 * desired-nodes rule from 0.65 to 0.8.
 */
public enum Metric {
  DEFAULT, SPEED, COST;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static Metric fromWireName(String name) {
    if (name == null || name.isBlank()) return DEFAULT;
    for (Metric m : values()) {
      if (m.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) return m;
    }
    throw new IllegalArgumentException("unknown metric '" + name + "'; use one of default, speed, cost");
  }
}
