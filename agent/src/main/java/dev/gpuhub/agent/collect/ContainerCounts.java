package dev.gpuhub.agent.collect;

/**
 * Container figures of one heartbeat (SPEC §2).
 *
 * @param total      running containers
 * @param jupyterlab running containers whose name or image contains "jupyter"
 * @param ray        running containers whose name or image contains "ray"
 */
public record ContainerCounts(int total, int jupyterlab, int ray) {
  /** What a node reports when its container daemon cannot be reached. */
  public static final ContainerCounts ZERO = new ContainerCounts(0, 0, 0);
}
