package dev.gpuhub.sim.interactive;

import java.util.Locale;

/**
 * How many interactive notebook sessions share the simulated cluster, as the mean number of GPUs
 * sessions would hold at once if none ever waited (Little's law: arrival rate × mean holding time
 * × one GPU each). Assumed, on the default 64-GPU cluster: an eighth, a quarter and three eighths
 * of it.
 */
public enum InteractiveLoad {
  LOW(8), MID(16), HIGH(24);

  private final double meanGpus;

  InteractiveLoad(double meanGpus) {
    this.meanGpus = meanGpus;
  }

  /** Mean GPUs held by sessions at once, had no session to wait. */
  public double meanGpus() {
    return meanGpus;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException naming {@code --interactive} and the allowed values */
  public static InteractiveLoad fromWireName(String name) {
    if (name != null) {
      for (InteractiveLoad l : values()) {
        if (l.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) return l;
      }
    }
    throw new IllegalArgumentException("--interactive must be one of low, mid, high; was '" + name + "'");
  }
}
