package dev.gpuhub.server.hub.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.core.goodput.BatchChoice;
import dev.gpuhub.store.JobReplica;
import dev.gpuhub.store.JobStats;
import dev.gpuhub.store.TrainingJobRecord;
import dev.gpuhub.wire.WireJson;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The API's view of a job (never its report token). */
final class JobJson {
  private JobJson() {}

  /** A job's goodput estimate on its current allocation, from its model. */
  record Estimate(double speedup, double goodput, long batchSize) {
    static Optional<Estimate> of(TrainingJobRecord job, Optional<JobModel> model) {
      if (model.isEmpty() || job.allocation().isEmpty()) return Optional.empty();
      int replicas = job.allocation().size();
      int nodes = job.nodeCount();
      BatchChoice best = model.get().best(nodes, replicas);
      return Optional.of(new Estimate(model.get().speedup().speedup(nodes, replicas), best.goodput(),
          best.batchSize(replicas)));
    }
  }

  static ObjectNode of(TrainingJobRecord job, Optional<Estimate> estimate) {
    ObjectNode o = WireJson.mapper().createObjectNode();
    o.put("id", job.id());
    o.put("owner", job.owner());
    o.put("image", job.image());
    ArrayNode command = o.putArray("command");
    job.command().forEach(command::add);
    o.put("min_gpus", job.minGpus());
    o.put("max_gpus", job.maxGpus());
    o.put("initial_batch_size", job.initialBatchSize());
    o.put("metric", job.metric());
    o.put("priority_class", job.priorityClass());
    o.put("state", job.state().dbValue());
    o.put("gpus", job.allocation().size());
    ObjectNode nodes = o.putObject("nodes");
    perNode(job).forEach(nodes::put);
    ArrayNode allocation = o.putArray("allocation");
    for (JobReplica r : job.allocation()) {
      ObjectNode a = allocation.addObject();
      a.put("rank", r.rank());
      a.put("hostname", r.hostname());
      ArrayNode gpus = a.putArray("gpu_uuids");
      r.gpuUuids().forEach(gpus::add);
      a.put("container_id", r.containerId());
    }
    o.put("restarts", job.restarts());
    time(o, "submitted_at", job.submittedAt());
    time(o, "started_at", job.startedAt());
    time(o, "finished_at", job.finishedAt());
    JobStats last = job.lastReport();
    if (last == null) {
      o.putNull("progress");
      o.putNull("last_report");
    } else {
      if (last.progress() == null) o.putNull("progress");
      else o.put("progress", last.progress());
      o.set("last_report", WireJson.mapper().valueToTree(last));
    }
    time(o, "last_report_at", job.lastReportAt());
    o.put("reports", job.samples().stream().mapToLong(s -> s.count()).sum());
    o.put("gpu_seconds", Math.round(job.gpuSeconds() * 10) / 10.0);
    if (estimate.isPresent()) {
      ObjectNode g = o.putObject("goodput");
      g.put("speedup", round(estimate.get().speedup()));
      g.put("samples_per_second", round(estimate.get().goodput()));
      g.put("batch_size", estimate.get().batchSize());
    } else {
      o.putNull("goodput");
    }
    if (job.message() == null) o.putNull("message");
    else o.put("message", job.message());
    return o;
  }

  /** Replicas per node, by hostname. */
  static Map<String, Integer> perNode(TrainingJobRecord job) {
    Map<String, Integer> out = new TreeMap<>();
    for (JobReplica r : job.allocation()) out.merge(r.hostname(), 1, Integer::sum);
    return out;
  }

  private static void time(ObjectNode o, String field, Instant t) {
    if (t == null) o.putNull(field);
    else o.put(field, t.toString());
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
