package dev.gpuhub.core.allocation;

/**
 * How much of a node's cores and memory may be reserved: capacity = reported amount × ratio.
 * 1.0 (the default) never promises more than the node has; notebooks that mostly idle may be
 * packed denser with a higher cpu ratio ({@code GPUHUB_CPU_OVERCOMMIT}, {@code GPUHUB_MEMORY_OVERCOMMIT}).
 * GPUs and container slots are never overcommitted.
 */
public record Overcommit(double cpu, double memory) {
  public static final Overcommit NONE = new Overcommit(1, 1);

  public Overcommit {
    if (!(cpu >= 1 && cpu <= 100) || !(memory >= 1 && memory <= 100)) {
      throw new IllegalArgumentException("overcommit ratios must be between 1 and 100, were cpu " + cpu + ", memory " + memory);
    }
  }
}
