package dev.gpuhub.sim.pollux;

import java.util.Locale;

/** The simulator's policies: Pollux (adaptive, core's PolluxPolicy) and the artifact's two baselines. */
public enum PolicyKind {
  POLLUX, TIRESIAS, OPTIMUS;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static PolicyKind fromWireName(String name) {
    if (name != null) {
      for (PolicyKind p : values()) {
        if (p.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) return p;
      }
    }
    throw new IllegalArgumentException("unknown policy '" + name + "'; use one of pollux, tiresias, optimus");
  }
}
