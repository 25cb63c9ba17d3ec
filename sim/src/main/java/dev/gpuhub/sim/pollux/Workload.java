package dev.gpuhub.sim.pollux;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A workload file: the jobs in file order (the artifact's order, which its policies iterate in). */
public record Workload(Path file, List<WorkloadJob> jobs) {
  public Workload {
    jobs = List.copyOf(jobs);
  }

  public static Workload load(Path file) {
    CsvTable t = CsvTable.read(file, "name", "time", "application", "num_replicas", "batch_size");
    List<WorkloadJob> jobs = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int r = 0; r < t.size(); r++) {
      String name = t.text(r, "name");
      Integer before = seen.putIfAbsent(name, t.line(r));
      if (before != null) {
        throw TraceDataException.at(file, t.line(r), "job name '" + name + "' already used on line " + before);
      }
      jobs.add(new WorkloadJob(name, t.integer(r, "time", 0), t.text(r, "application"),
          t.integer(r, "num_replicas", 1), t.integer(r, "batch_size", 1), t.line(r)));
    }
    if (jobs.isEmpty()) throw TraceDataException.in(file, "no jobs");
    return new Workload(file, jobs);
  }

  /** The first {@code n} jobs (all when n >= size). */
  public Workload first(int n) {
    return new Workload(file, jobs.subList(0, Math.min(n, jobs.size())));
  }
}
