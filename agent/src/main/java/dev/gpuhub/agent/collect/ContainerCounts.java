package dev.gpuhub.agent.collect;

/**
 * Container figures of one heartbeat (SPEC §2).
 *
 * @param total      running containers
 * @param jupyterlab running containers whose name or image contains "jupyter"
 * @param ray        running containers whose name or image contains "ray"
 * @param managed    running containers gpuhub started (the agent labels every container it starts
 *                   {@code gpuhub.managed=true}, see {@link dev.gpuhub.agent.api.NodeApi#MANAGED_LABEL})
 */
public record ContainerCounts(int total, int jupyterlab, int ray, int managed) {
  /** What a node reports when its container daemon cannot be reached. */
  public static final ContainerCounts ZERO = new ContainerCounts(0, 0, 0, 0);

  /** Counts of these running containers by the seed's rules. */
  public static ContainerCounts of(java.util.List<dev.gpuhub.runtime.ContainerSummary> running) {
    int jupyter = (int) running.stream().filter(c -> c.nameOrImageContains(ContainerCounter.JUPYTER_MARK)).count();
    int ray = (int) running.stream().filter(c -> c.nameOrImageContains(ContainerCounter.RAY_MARK)).count();
    int managed = (int) running.stream().filter(c -> isManaged(c.labels())).count();
    return new ContainerCounts(running.size(), jupyter, ray, managed);
  }

  /** Whether these labels mark a container the agent started for gpuhub. */
  public static boolean isManaged(java.util.Map<String, String> labels) {
    return dev.gpuhub.agent.api.NodeApi.MANAGED_VALUE.equals(labels.get(dev.gpuhub.agent.api.NodeApi.MANAGED_LABEL));
  }
}
