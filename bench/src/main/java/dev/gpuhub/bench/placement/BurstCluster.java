package dev.gpuhub.bench.placement;

import dev.gpuhub.core.node.NodeReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * N equal nodes sized so that a burst fits with room to spare: {@code max_containers} =
 * ceil(1.25 × burst / N), and cores and memory large enough that the container slots bind first
 * (at least 64 cores and 256 GB). Reported usage is random in 5–40 % (fixed seed) and no container
 * runs yet. The reports are taken once, before the burst, and never refreshed during it: in
 * production they come every 15 s and a burst takes well under that.
 *
 * @param reports       the stale reports, one per node, hostnames {@code node-000} …
 * @param maxContainers every node's {@code max_containers}
 */
public record BurstCluster(List<NodeReport> reports, int maxContainers) {

  public BurstCluster {
    reports = List.copyOf(reports);
  }

  /** The cluster for {@code burst} single-node decisions of {@code cpu} cores / {@code memoryGb} GB. */
  public static BurstCluster of(int nodes, int burst, double cpu, double memoryGb, long seed) {
    int slots = (int) Math.ceil(1.25 * burst / nodes);
    int cores = (int) Math.max(64, Math.ceil(slots * cpu));
    double ram = Math.max(256, Math.ceil(slots * memoryGb));
    Random random = new Random(seed);
    Instant taken = Instant.now().minusSeconds(5);
    List<NodeReport> reports = new ArrayList<>(nodes);
    for (int i = 0; i < nodes; i++) {
      double cpuUsage = 5 + random.nextDouble() * 35;
      double memoryUsage = 5 + random.nextDouble() * 35;
      reports.add(new NodeReport(String.format(Locale.ROOT, "node-%03d", i), "10.0." + (i / 250) + "." + (i % 250 + 1),
          cores, ram, cpuUsage, memoryUsage, 20.0, false, List.of(), slots, true, 0, 0, 0, taken));
    }
    return new BurstCluster(reports, slots);
  }

  public int size() {
    return reports.size();
  }
}
