package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.core.allocation.NodeAllocation;
import dev.gpuhub.core.allocation.PlacementRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * People before jobs (interactive first): before a scheduling round, the GPUs people waiting in the
 * placement queue need are set aside from those jobs may use, taking free GPUs first and then GPUs
 * jobs hold, within what jobs may give up ({@code yieldable}: above their minimum, see
 * {@link JobPriority}). The round then plans jobs on what is left, so the jobs that hold the set-aside
 * GPUs shrink (checkpoint and restart) and the queue serves the people when the GPUs are released.
 *
 * <p>Requests are taken in queue order; the first that cannot be covered (too few nodes with enough
 * GPUs, or more than jobs may still give up) ends the setting aside, since later ones may not
 * overtake it. A request's cores, memory and other constraints are not checked here: the placement
 * engine decides where it goes. Pure.
 *
 * @param usable   GPUs jobs may use on each node after the setting aside (free or held by jobs)
 * @param promised owner of each request covered by GPUs taken from jobs to how many were taken
 */
record GpusForPeople(Map<String, Integer> usable, Map<String, Integer> promised) {

  GpusForPeople {
    usable = Map.copyOf(usable);
    promised = Map.copyOf(promised);
  }

  /**
   * @param nodes     every live node's capacity against its reservations
   * @param waiting   the requests waiting for GPUs, in queue order
   * @param yieldable GPUs jobs may give up in all
   */
  static GpusForPeople of(List<NodeAllocation> nodes, List<PlacementRequest> waiting, int yieldable) {
    Map<String, Integer> free = new HashMap<>();
    Map<String, Integer> usable = new HashMap<>();
    for (NodeAllocation a : nodes) {
      if (a.report().agentPort() == null || !a.report().isActive()) continue;
      int idle = 0;
      int jobs = 0;
      for (String holder : a.gpuHolders().values()) {
        if (holder == null) idle++;
        else if (JobPlacement.isJobOwner(holder)) jobs++;
      }
      if (idle + jobs > 0) {
        free.put(a.hostname(), idle);
        usable.put(a.hostname(), idle + jobs);
      }
    }
    Map<String, Integer> promised = new LinkedHashMap<>();
    int budget = yieldable;
    for (PlacementRequest r : waiting) {
      int g = r.gpusPerNode();
      if (g <= 0) continue;
      List<String> candidates = new ArrayList<>();
      usable.forEach((host, u) -> {
        if (u >= g && (!r.preferredOnly() || r.preferredNodes().contains(host))) candidates.add(host);
      });
      if (candidates.size() < r.count()) break;
      candidates.sort(Comparator.<String>comparingInt(h -> -free.get(h)).thenComparingInt(h -> -usable.get(h))
          .thenComparing(Comparator.naturalOrder()));
      List<String> chosen = candidates.subList(0, r.count());
      int fromJobs = 0;
      for (String h : chosen) fromJobs += Math.max(0, g - free.get(h));
      if (fromJobs > budget) break;
      for (String h : chosen) {
        free.put(h, Math.max(0, free.get(h) - g));
        usable.put(h, usable.get(h) - g);
      }
      budget -= fromJobs;
      if (fromJobs > 0) promised.put(r.owner(), fromJobs);
    }
    return new GpusForPeople(usable, promised);
  }
}
