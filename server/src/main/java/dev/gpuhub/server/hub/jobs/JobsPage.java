package dev.gpuhub.server.hub.jobs;

import static dev.gpuhub.server.hub.web.Html.esc;

import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.server.hub.web.Html;
import dev.gpuhub.store.JobReplica;
import dev.gpuhub.store.TrainingJobRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code /hub/jobs}: the caller's training jobs (every job for admins) with state, allocation, goodput, restarts. */
final class JobsPage {
  /** Most jobs the page lists (the newest); the API pages through all. */
  static final int MAX_ROWS = 100;

  private JobsPage() {}

  static String render(HubIdentity.User user, String xsrf, JobScheduler scheduler) {
    StringBuilder b = new StringBuilder("<h1>Training jobs</h1>");
    JobScheduler.RoundSummary round = scheduler.lastRound();
    b.append("<p class=\"muted\">Submit with <code>gpuhub job submit</code> or <code>POST /hub/api/jobs</code>. ");
    if (round != null) {
      b.append("Last scheduling round ").append(esc(time(round.at()))).append(": ").append(round.nodes().size())
          .append(" GPU node(s) × ").append(round.gpusPerNode()).append(" GPU(s) for jobs.");
    }
    b.append("</p><table id=\"jobs\"><tr><th>ID</th>").append(user.admin() ? "<th>Owner</th>" : "")
        .append("<th>State</th><th>GPUs</th><th>Allocation</th><th>Goodput estimate</th><th>Restarts</th>"
            + "<th>Progress</th><th>Submitted</th><th>Image / command</th><th>Note</th><th></th></tr>");
    List<TrainingJobRecord> jobs = new ArrayList<>(scheduler.jobs());
    java.util.Collections.reverse(jobs); // newest first
    jobs.removeIf(job -> !user.admin() && !job.owner().equals(user.name()));
    int shown = 0;
    for (TrainingJobRecord job : jobs) {
      if (++shown > MAX_ROWS) break;
      Optional<JobJson.Estimate> estimate = JobJson.Estimate.of(job, scheduler.latestModel(job.id()));
      b.append("<tr id=\"job-").append(job.id()).append("\"><td>").append(job.id()).append("</td>");
      if (user.admin()) b.append("<td>").append(esc(job.owner())).append("</td>");
      b.append("<td class=\"state\">").append(esc(job.state().dbValue())).append("</td><td>")
          .append(job.allocation().size()).append(" (").append(job.minGpus()).append("–").append(job.maxGpus())
          .append(")</td><td>").append(esc(allocation(job))).append("</td><td>")
          .append(estimate.map(e -> String.format(Locale.ROOT, "%.2f× speedup, %.1f samples/s at batch %d",
              e.speedup(), e.goodput(), e.batchSize())).map(Html::esc).orElse(job.state().isActive() && job.lastReport() != null ? "profiling" : "-"))
          .append("</td><td class=\"restarts\">").append(job.restarts()).append("</td><td>")
          .append(job.lastReport() == null || job.lastReport().progress() == null ? "-"
              : esc(String.format(Locale.ROOT, "%.1f", job.lastReport().progress())))
          .append("</td><td>").append(esc(time(job.submittedAt()))).append("</td><td><code>").append(esc(job.image()))
          .append("</code> ").append(esc(String.join(" ", job.command()))).append("</td><td>")
          .append(esc(job.message() == null ? "" : job.message())).append("</td><td>");
      if (job.state().isActive()) {
        b.append(dev.gpuhub.server.hub.web.PageActions.button(null, "Cancel", "DELETE", "/hub/api/jobs/" + job.id(), null));
      }
      b.append("</td></tr>");
    }
    if (shown == 0) b.append("<tr><td colspan=\"12\">no jobs yet</td></tr>");
    if (jobs.size() > MAX_ROWS) {
      b.append("<tr><td colspan=\"12\" id=\"more-jobs\">the newest ").append(MAX_ROWS).append(" of ").append(jobs.size())
          .append(" jobs; page through all of them with GET /hub/api/jobs?offset=...&amp;limit=...</td></tr>");
    }
    b.append("</table>").append(dev.gpuhub.server.hub.web.PageActions.script(xsrf));
    return Html.page("Jobs", user.name(), user.admin(), b.toString());
  }

  /** "sim-01: 2 GPUs (GPU-a, GPU-b); sim-02: 1 GPU (GPU-c)". */
  static String allocation(TrainingJobRecord job) {
    if (job.allocation().isEmpty()) return "-";
    Map<String, List<String>> byNode = new TreeMap<>();
    for (JobReplica r : job.allocation()) byNode.computeIfAbsent(r.hostname(), h -> new ArrayList<>()).addAll(r.gpuUuids());
    StringBuilder s = new StringBuilder();
    byNode.forEach((host, gpus) -> {
      if (s.length() > 0) s.append("; ");
      s.append(host).append(": ").append(gpus.size()).append(gpus.size() == 1 ? " GPU (" : " GPUs (")
          .append(String.join(", ", gpus)).append(')');
    });
    return s.toString();
  }

  private static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", " UTC");
  }
}
