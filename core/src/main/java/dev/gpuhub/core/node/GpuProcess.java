package dev.gpuhub.core.node;

/**
 * A process using a GPU, as an agent reports it ({@code nvidia-smi --query-compute-apps}; JSON
 * fields pid, used_memory_mb, container).
 *
 * @param pid          the process id on the node (host pid namespace), &gt; 0
 * @param usedMemoryMb GPU memory it uses; {@code null} when the driver does not say
 * @param container    the id of the container the process runs in (from its cgroup), {@code null}
 *                     for a process of no container
 */
public record GpuProcess(int pid, Long usedMemoryMb, String container) {
  public GpuProcess {
    if (pid <= 0) throw new IllegalArgumentException("pid must be > 0, was " + pid);
    if (usedMemoryMb != null && usedMemoryMb < 0) throw new IllegalArgumentException("used memory must be >= 0");
  }

  /**
   * Whether the process runs in {@code containerId}: equal ids, or one a prefix of the other (Docker
   * shortens ids to 12 characters in places) of at least 12 characters.
   */
  public boolean runsIn(String containerId) {
    if (container == null || containerId == null) return false;
    if (container.equals(containerId)) return true;
    String shorter = container.length() < containerId.length() ? container : containerId;
    String longer = shorter == container ? containerId : container;
    return shorter.length() >= 12 && longer.startsWith(shorter);
  }
}
