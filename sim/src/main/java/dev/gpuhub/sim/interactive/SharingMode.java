package dev.gpuhub.sim.interactive;

import java.util.Locale;

/** How interactive sessions and training jobs share the GPUs (issue 17). */
public enum SharingMode {
  /**
   * Today's gpuhub: one pool, both exclusive. A session takes a GPU nobody holds or waits FIFO; it
   * keeps its GPU to its end, idle tail included; jobs are planned on the GPUs no session holds.
   */
  EXCLUSIVE("exclusive"),
  /** A static split: the first half of the nodes for sessions (FIFO), the other half for jobs. */
  PARTITION("partition"),
  /**
   * Sessions first: a session with no free GPU takes one from an elastic job above its minimum
   * (the job pays a restart), and a GPU idle for the idle limit goes back to the pool.
   */
  INTERACTIVE_FIRST("interactive-first");

  private final String wireName;

  SharingMode(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** @throws IllegalArgumentException naming {@code --sharing} and the allowed values */
  public static SharingMode fromWireName(String name) {
    if (name != null) {
      for (SharingMode m : values()) {
        if (m.wireName.equals(name.trim().toLowerCase(Locale.ROOT))) return m;
      }
    }
    throw new IllegalArgumentException("--sharing must be one of exclusive, partition, interactive-first; was '"
        + name + "'");
  }
}
