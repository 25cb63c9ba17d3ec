package dev.gpuhub.server.hub.jobs;

import java.util.Arrays;

/**
 * A training job's priority class: what it gives up when a person waits for a GPU. People's
 * servers ({@code interactive}) rank above every job class.
 */
public enum JobPriority {
  /** Gives up GPUs above its {@code min_gpus} (all of them when the administrator says so). */
  JOB("job"),
  /** Gives up all of its GPUs: it runs only on GPUs nobody else wants. */
  SCAVENGER("scavenger");

  private final String wireName;

  JobPriority(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /**
   * @param name a wire name; null means {@link #JOB}
   * @throws IllegalArgumentException naming the classes a job may have
   */
  public static JobPriority fromWireName(String name) {
    if (name == null) return JOB;
    for (JobPriority p : values()) if (p.wireName.equals(name)) return p;
    String known = String.join(" or ", Arrays.stream(values()).map(JobPriority::wireName).toList());
    if (name.equals("interactive")) {
      throw new IllegalArgumentException("'interactive' is the class of people's servers; a job is " + known);
    }
    throw new IllegalArgumentException("'" + name + "' is not a priority class; a job is " + known);
  }

  /** GPUs a job of this class holding {@code held} with minimum {@code min} gives up to people. */
  public int yieldable(int held, int min, boolean yieldMinimum) {
    if (this == SCAVENGER || yieldMinimum) return held;
    return Math.max(0, held - min);
  }
}
