package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.goodput.BatchChoice;
import dev.gpuhub.core.goodput.policy.JobState;
import dev.gpuhub.core.goodput.policy.Metric;
import dev.gpuhub.core.goodput.policy.SchedulingPolicy;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.server.hub.auth.ApiTokens;
import dev.gpuhub.server.workload.LaunchException;
import dev.gpuhub.store.JobReplica;
import dev.gpuhub.store.TrainingJobRecord;
import dev.gpuhub.store.TrainingJobState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs training jobs (SPEC §5) on one thread: every interval a round looks at the running
 * replicas (finished, failed, vanished), asks the {@link SchedulingPolicy} for every active job's
 * allocation over the GPU nodes jobs may use ({@link JobCluster}), and applies the difference —
 * first stopping and releasing every job that shrinks, moves or pauses, then reserving and
 * starting those that grow, move or resume (one restart each; they resume from their
 * checkpoint). Finishing and cancelling run on the same thread, so only this thread ever changes
 * where a job runs; reports (from HTTP threads) only add statistics.
 */
public final class JobScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobScheduler.class);
  /** The placement queue of requests for GPUs. */
  static final String GPU_QUEUE = "gpu";
  /** How soon GPUs that jobs give up for a waiting person are expected to be free (replicas stop). */
  static final Duration PROMISE_WITHIN = Duration.ofSeconds(15);
  /** How long cancel waits for the scheduler thread. */
  static final Duration CANCEL_WAIT = Duration.ofSeconds(60);

  private final JobsConfig config;
  private final JobBook book;
  private final JobLauncher launcher;
  private volatile JobUsage usage = JobUsage.NONE;
  private final SchedulingPolicy policy;
  private final PlacementEngine engine;
  private final Supplier<List<NodeReport>> liveNodes;
  private final Clock clock;
  private final Instant graceUntil;
  private final JobReports reports;
  private final JobJanitor janitor;
  private final JobModels<JobModel> models;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "job-scheduler");
    t.setDaemon(true);
    return t;
  });
  private Instant lastAccrual;
  /** Whether a round asked for by {@link #replanSoon()} waits to run. */
  private final java.util.concurrent.atomic.AtomicBoolean replanPending = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile RoundSummary lastRound;

  /** What the latest round saw, for the jobs page: the GPU nodes jobs could use and the GPUs on each. */
  public record RoundSummary(Instant at, List<String> nodes, int gpusPerNode) {}

  /**
   * @param silentNodeGrace how long after start a running replica's node may stay silent before the
   *                        job is re-queued (the hub may have restarted before the node reported)
   */
  JobScheduler(JobsConfig config, JobBook book, JobLauncher launcher, SchedulingPolicy policy, PlacementEngine engine,
               Supplier<List<NodeReport>> liveNodes, Clock clock, Duration silentNodeGrace) {
    this.config = config;
    this.book = book;
    this.launcher = launcher;
    this.policy = policy;
    this.engine = engine;
    this.liveNodes = liveNodes;
    this.clock = clock;
    this.graceUntil = clock.instant().plus(silentNodeGrace);
    this.lastAccrual = clock.instant();
    this.reports = new JobReports(book, clock);
    this.janitor = new JobJanitor(book, launcher, engine);
    this.models = new JobModels<>(config.refitInterval(), clock, JobScheduler::fit);
  }

  /**
   * Recovers jobs interrupted by a stop of the hub, then runs a round every interval, and one at
   * once whenever a request for GPUs starts waiting in the placement queue (jobs may have to give
   * GPUs up for it).
   */
  void start() {
    thread.execute(this::recover);
    engine.onQueued(request -> {
      if (request.gpusPerNode() > 0 && !JobPlacement.isJobOwner(request.owner())) replanSoon();
    });
    long ms = config.interval().toMillis();
    thread.scheduleWithFixedDelay(this::safeRound, ms, ms, TimeUnit.MILLISECONDS);
  }

  // ---- what the API calls

  TrainingJobRecord submit(String owner, JobSubmission s) {
    config.requireAllowedImage(s.image());
    TrainingJobRecord job = book.create(TrainingJobRecord.queued(owner, s.image(), s.command(), s.minGpus(), s.maxGpus(),
        s.initialBatchSize(), s.metric().wireName(), s.priority().wireName(), clock.instant()), config.maxActivePerUser());
    LOG.atInfo().addKeyValue("job", job.id()).addKeyValue("owner", owner).log("training job submitted");
    replanSoon(); // free GPUs should not wait for the next tick
    return job.withState(TrainingJobState.QUEUED, "waiting for a scheduling round (at once, then every "
        + config.interval().toSeconds() + " s)");
  }

  /** Stores a report (see {@link JobReports#accept}); a report with {@code done} finishes the job. */
  TrainingJobRecord report(long id, String token, JobReport report) {
    TrainingJobRecord job = reports.accept(id, token, report);
    if (report.done()) thread.execute(() -> guarded(() -> finish(id, TrainingJobState.FINISHED, "replica 0 reported done")));
    return job;
  }

  /**
   * Cancels an active job on the scheduler thread: its containers go, its GPUs are released.
   *
   * @return the job, CANCELLED, or as it was when it had already ended
   */
  TrainingJobRecord cancel(long id, String reason) {
    book.get(id).orElseThrow(() -> new dev.gpuhub.server.discovery.NotFoundException("no training job " + id));
    return onThread(() -> finish(id, TrainingJobState.CANCELLED, reason));
  }

  /** Cancels every active job of the owner (e.g. the user is deleted). */
  void cancelAllOf(String owner, String reason) {
    for (TrainingJobRecord j : book.active()) {
      if (j.owner().equals(owner)) cancel(j.id(), reason);
    }
  }

  Optional<TrainingJobRecord> job(long id) {
    return book.get(id);
  }

  List<TrainingJobRecord> jobs() {
    return book.all();
  }

  /**
   * The model the scheduler last fitted to the job's reports (it refits every round the job reported
   * since), for display: never fits on the caller's thread. Empty until it reported enough.
   */
  Optional<JobModel> latestModel(long jobId) {
    return models.latest(jobId);
  }

  /** The job's model from its reports (see {@link JobModels}: refits are rate-limited). */
  private Optional<JobModel> model(TrainingJobRecord job) {
    return models.model(job);
  }

  /** A fresh fit to the job's reports; empty when it cannot be fitted (yet). */
  private static Optional<JobModel> fit(TrainingJobRecord job) {
    try {
      return JobModel.of(job);
    } catch (RuntimeException e) {
      LOG.atWarn().addKeyValue("job", job.id()).log("cannot fit a model to its reports: {}", e.getMessage());
      return Optional.empty();
    }
  }

  public RoundSummary lastRound() {
    return lastRound;
  }

  /** Runs a round on the scheduler thread as soon as it is free (requests while one waits are merged). */
  void replanSoon() {
    if (replanPending.compareAndSet(false, true)) {
      try {
        thread.execute(() -> {
          replanPending.set(false);
          safeRound();
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        replanPending.set(false); // closed
      }
    }
  }

  /** GPUs the active jobs may give up to people now, by their priority classes. */
  private int yieldable() {
    int total = 0;
    for (TrainingJobRecord job : book.active()) {
      int held = job.allocation().size();
      if (held == 0) continue;
      total += JobPriority.fromWireName(job.priorityClass()).yieldable(held, job.minGpus(), config.yieldMinimum());
    }
    return total;
  }

  // ---- the round (scheduler thread only)

  private void safeRound() {
    guarded(this::round);
  }

  void round() {
    Instant now = clock.instant();
    int forgotten = book.forgetEndedBefore(now.minus(config.retention()));
    if (forgotten > 0) LOG.atInfo().addKeyValue("jobs", forgotten).log("forgot training jobs that ended over the retention ago");
    accrue(now);
    monitor(now);
    janitor.sweepOrphans(liveNodes.get());
    janitor.releaseLeaks();
    GpusForPeople people = GpusForPeople.of(engine.allocations(), engine.waiting(GPU_QUEUE), yieldable());
    people.promised().forEach((owner, gpus) -> {
      engine.promise(owner, gpus, PROMISE_WITHIN);
      LOG.atInfo().addKeyValue("owner", owner).addKeyValue("gpus", gpus)
          .log("training jobs give up GPUs for a person waiting in the queue");
    });
    JobCluster cluster = JobCluster.of(people.usable(), policy);
    Map<String, NodeReport> live = liveByHost();
    List<TrainingJobRecord> planned = new ArrayList<>();
    List<JobState> states = new ArrayList<>();
    for (TrainingJobRecord job : book.active()) {
      boolean silent = job.allocation().stream().anyMatch(r -> !live.containsKey(r.hostname()));
      if (job.state() == TrainingJobState.RUNNING && silent) continue; // monitor re-queues it once the grace ends
      planned.add(job);
      states.add(state(job, cluster));
    }
    Map<String, List<Integer>> decided = states.isEmpty() ? Map.of() : policy.allocate(states, cluster.shape(), seconds(now));
    Map<Long, List<String>> desired = new LinkedHashMap<>();
    for (TrainingJobRecord job : planned) {
      desired.put(job.id(), cluster.hostsFor(decided.getOrDefault(Long.toString(job.id()), List.of())));
    }
    // First every job that shrinks, moves or pauses gives its GPUs back...
    for (TrainingJobRecord job : planned) {
      List<String> want = desired.get(job.id());
      List<String> have = job.allocation().stream().map(JobReplica::hostname).toList();
      if (JobCluster.sameNodes(want, have) || have.isEmpty()) continue;
      stopReplicas(job);
      book.update(job.id(), j -> j.withAllocation(List.of(), null).withState(want.isEmpty() ? TrainingJobState.QUEUED
          : TrainingJobState.RESTARTING, want.isEmpty() ? "paused by the scheduler: its GPUs went to other jobs" : null));
    }
    // ...then every job that grows, moves or resumes starts on its new allocation.
    for (TrainingJobRecord before : planned) {
      List<String> want = desired.get(before.id());
      TrainingJobRecord job = book.get(before.id()).orElseThrow();
      if (want.isEmpty() || !job.allocation().isEmpty()) continue;
      launch(job, want, now);
    }
    lastRound = new RoundSummary(now, cluster.hostnames(), cluster.shape().gpusPerNode());
  }

  private JobState state(TrainingJobRecord job, JobCluster cluster) {
    List<Integer> current = cluster.indicesOf(job.allocation());
    Map<Integer, Integer> perNode = new HashMap<>();
    for (int i : current) perNode.merge(i, 1, Integer::sum);
    if (perNode.values().stream().anyMatch(n -> n > cluster.shape().gpusPerNode())) current = List.of();
    return new JobState(Long.toString(job.id()), seconds(job.submittedAt()), job.minGpus(), job.minGpus(), job.maxGpus(),
        job.gpuSeconds(), job.restarts(), current, model(job).map(JobModel::speedup).orElse(null), null,
        Metric.fromWireName(job.metric()));
  }

  /** Reserves and starts the job on {@code hosts}; when that fails it waits in the queue again. */
  private void launch(TrainingJobRecord job, List<String> hosts, Instant now) {
    String token = ApiTokens.generate();
    String tokenHash = ApiTokens.sha256Hex(token);
    int replicas = hosts.size();
    int nodes = (int) hosts.stream().distinct().count();
    Optional<JobModel> model = model(job);
    int batch = job.initialBatchSize();
    int local = (batch + replicas - 1) / replicas;
    if (model.isPresent()) {
      BatchChoice best = model.get().best(nodes, replicas);
      if (best.atomicBsz() > 0) {
        local = best.atomicBsz();
        batch = (int) Math.min(Integer.MAX_VALUE, best.batchSize(replicas));
      }
    }
    boolean restart = job.startedAt() != null;
    try {
      List<JobReplica> reserved = launcher.reserve(job, hosts);
      TrainingJobRecord starting = book.update(job.id(), j -> j.withAllocation(reserved, tokenHash)
          .withState(TrainingJobState.RESTARTING, null));
      List<JobReplica> started = launcher.start(starting, reserved,
          new JobLauncher.Launch(hosts, token, batch, local));
      book.update(job.id(), j -> j.withAllocation(started, tokenHash).withState(TrainingJobState.RUNNING, null)
          .withRestarts(restart ? j.restarts() + 1 : j.restarts(), j.startedAt() == null ? now : j.startedAt()));
      usage.started(job.owner(), job.id(), started.stream().mapToInt(r -> r.gpuUuids().size()).sum(),
          config.replicaCpu() * replicas, clock.instant());
      LOG.atInfo().addKeyValue("job", job.id()).addKeyValue("replicas", replicas).addKeyValue("nodes", hosts)
          .addKeyValue("batch", batch).log(restart ? "training job restarted on a new allocation" : "training job started");
    } catch (LaunchException e) {
      LOG.atWarn().addKeyValue("job", job.id()).log("training job could not start: {}", e.getMessage());
      book.update(job.id(), j -> j.withAllocation(List.of(), null).withState(TrainingJobState.QUEUED,
          "waiting: " + e.getMessage()));
    }
  }

  /** Stops a job's replicas and releases their reservations; the job holds nothing from now on (accounting). */
  private void stopReplicas(TrainingJobRecord job) {
    launcher.stop(job.id(), job.allocation());
    if (!job.allocation().isEmpty()) usage.ended(job.owner(), job.id(), clock.instant());
  }

  /** Sets who hears of jobs' allocations starting and ending (the hub's usage records). */
  void usage(JobUsage value) {
    this.usage = value;
  }

  /** Finished, failed, cancelled: containers and reservations go, the job keeps its record. */
  private TrainingJobRecord finish(long id, TrainingJobState end, String why) {
    TrainingJobRecord job = book.get(id).orElseThrow();
    if (!job.state().isActive()) return job;
    stopReplicas(job);
    models.forget(id);
    TrainingJobRecord done = book.update(id, j -> j.withAllocation(List.of(), null).withState(end,
        end == TrainingJobState.FINISHED ? null : why).withFinishedAt(clock.instant()));
    LOG.atInfo().addKeyValue("job", id).addKeyValue("state", end.dbValue()).log("training job ended: {}", why);
    return done;
  }

  /** Back to the queue (its replicas vanished): it restarts from its checkpoint when GPUs are given again. */
  private void requeue(long id, String why) {
    TrainingJobRecord job = book.get(id).orElseThrow();
    stopReplicas(job);
    book.update(id, j -> j.withAllocation(List.of(), null).withState(TrainingJobState.QUEUED, why));
    LOG.atWarn().addKeyValue("job", id).log("training job re-queued: {}", why);
  }

  /** Running jobs whose replica 0 exited 0 finish; a replica that failed fails the job; vanished ones re-queue. */
  private void monitor(Instant now) {
    Map<String, NodeReport> live = liveByHost();
    for (TrainingJobRecord job : book.active()) {
      if (job.state() != TrainingJobState.RUNNING) continue;
      ReplicaWatch.Verdict v = ReplicaWatch.of(job, live, now.isAfter(graceUntil), launcher);
      switch (v.kind()) {
        case FAILED -> finish(job.id(), TrainingJobState.FAILED, v.why());
        case FINISHED -> finish(job.id(), TrainingJobState.FINISHED, v.why());
        case VANISHED -> requeue(job.id(), v.why());
        case RUNNING -> { }
      }
    }
  }

  /** GPU-seconds of every running job since the last round. */
  private void accrue(Instant now) {
    double seconds = Duration.between(lastAccrual, now).toMillis() / 1000.0;
    lastAccrual = now;
    if (seconds <= 0) return;
    for (TrainingJobRecord job : book.active()) {
      if (job.state() != TrainingJobState.RUNNING) continue;
      book.update(job.id(), j -> j.withGpuSeconds(j.gpuSeconds() + seconds * j.allocation().size()));
    }
  }

  /** Jobs caught half-way through a restart by a stop of the hub go back to the queue. */
  private void recover() {
    guarded(() -> {
      for (TrainingJobRecord job : book.active()) {
        if (job.state() == TrainingJobState.RESTARTING) {
          requeue(job.id(), "re-queued: the hub stopped while it was restarting");
        }
      }
    });
  }

  // ---- plumbing

  private Map<String, NodeReport> liveByHost() {
    Map<String, NodeReport> out = new HashMap<>();
    for (NodeReport n : liveNodes.get()) out.put(n.hostname(), n);
    return out;
  }

  private static double seconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }

  private <T> T onThread(java.util.concurrent.Callable<T> work) {
    try {
      return thread.submit(work).get(CANCEL_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the job scheduler is busy; try again in a minute");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  private static void guarded(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      LOG.warn("job scheduling failed; the next round tries again", e);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
