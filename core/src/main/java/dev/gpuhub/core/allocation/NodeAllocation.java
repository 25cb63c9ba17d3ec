package dev.gpuhub.core.allocation;

import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.profile.GpuConstraint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node's capacity against what is reserved on it, as placement sees it: cores and memory from
 * the report (times the overcommit ratio) minus every reservation on the node; container slots as
 * the node's other containers (reported total minus those gpuhub started) plus one per reservation,
 * or, from an agent that does not report its gpuhub containers, the reported count plus reservations
 * whose containers the report cannot show yet; GPU devices by UUID, each free or held by exactly one
 * reservation.
 *
 * @param report         the node's latest report
 * @param cpuCapacity    cores that may be reserved
 * @param memoryCapacity GB that may be reserved
 * @param cpuReserved    cores reserved
 * @param memoryReserved GB reserved
 * @param containers     container slots in use, reservations included
 * @param gpuHolders     every reported GPU's UUID to the owner holding it, or null when free (report order)
 * @param reservations   the reservations on this node
 */
public record NodeAllocation(NodeReport report, double cpuCapacity, double memoryCapacity, double cpuReserved,
                             double memoryReserved, int containers, Map<String, String> gpuHolders,
                             List<Reservation> reservations) {

  static NodeAllocation of(NodeReport report, List<Reservation> onNode, Overcommit overcommit) {
    double cpu = 0;
    double memory = 0;
    int unseen = 0;
    Map<String, String> holders = new LinkedHashMap<>();
    for (GpuDevice g : report.gpuInfo()) holders.put(g.uuid(), null);
    for (Reservation r : onNode) {
      cpu += r.cpu();
      memory += r.memoryGb();
      if (!r.visibleIn(report.lastUpdated())) unseen++;
      for (String uuid : r.gpuUuids()) holders.put(uuid, r.owner()); // a vanished GPU stays listed while held
    }
    int containers = report.managedContainers() == null
        ? report.totalContainers() + unseen
        : Math.max(report.totalContainers(), report.totalContainers() - report.managedContainers() + onNode.size());
    return new NodeAllocation(report, report.cpuCores() * overcommit.cpu(), report.ramGb() * overcommit.memory(),
        cpu, memory, containers, holders, List.copyOf(onNode));
  }

  public String hostname() {
    return report.hostname();
  }

  /** GPU UUIDs the node reports that no one holds, in report order. */
  public List<String> freeGpus() {
    return freeGpus(GpuConstraint.ANY);
  }

  /** GPU UUIDs the node reports that no one holds and {@code constraint} accepts, in report order. */
  public List<String> freeGpus(GpuConstraint constraint) {
    List<String> free = new ArrayList<>();
    for (GpuDevice g : report.gpuInfo()) {
      if (gpuHolders.get(g.uuid()) == null && constraint.matches(g)) free.add(g.uuid());
    }
    return free;
  }

  /** The report with containers not yet visible added, for the seed filters. */
  NodeReport effectiveReport() {
    return containers == report.totalContainers() ? report : report.withTotalContainers(containers);
  }

  /**
   * Kubernetes LeastAllocated after adding a request: the mean of (capacity − reserved − request) /
   * capacity over cpu, memory and, on nodes with GPUs, GPU devices. 1 = empty, 0 = full.
   */
  double freeShareAfter(PlacementRequest request) {
    double sum = share(cpuCapacity - cpuReserved - request.cpu(), cpuCapacity)
        + share(memoryCapacity - memoryReserved - request.memoryGb(), memoryCapacity);
    int dims = 2;
    if (!gpuHolders.isEmpty()) {
      sum += share(freeGpus().size() - request.gpusPerNode(), gpuHolders.size());
      dims++;
    }
    return sum / dims;
  }

  private static double share(double free, double capacity) {
    return capacity <= 0 ? 0 : Math.max(0, Math.min(1, free / capacity));
  }
}
