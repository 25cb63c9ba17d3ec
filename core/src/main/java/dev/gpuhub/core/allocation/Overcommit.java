package dev.gpuhub.core.allocation;

/**
 * How much of a node's cores and memory may be reserved: capacity = reported amount × ratio.
 * The control plane always uses {@link #NONE}: it never promises more than a node has, and seats
 * mostly idle notebooks densely through profiles' guarantees below their limits instead. Other
 * ratios remain for the engine's own experiments (benchmarks, simulations). GPUs and container
 * slots are never overcommitted.
 */
public record Overcommit(double cpu, double memory) {
  public static final Overcommit NONE = new Overcommit(1, 1);

  public Overcommit {
    if (!(cpu >= 1 && cpu <= 100) || !(memory >= 1 && memory <= 100)) {
      throw new IllegalArgumentException("overcommit ratios must be between 1 and 100, were cpu " + cpu + ", memory " + memory);
    }
  }
}
