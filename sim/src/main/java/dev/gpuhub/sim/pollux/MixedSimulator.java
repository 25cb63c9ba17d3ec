package dev.gpuhub.sim.pollux;

import dev.gpuhub.core.goodput.policy.PlannedNodes;
import dev.gpuhub.sim.interactive.InteractiveConfig;
import dev.gpuhub.sim.interactive.Session;
import dev.gpuhub.sim.interactive.SessionGenerator;
import dev.gpuhub.sim.interactive.SharingMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * {@link Simulator}'s training jobs plus interactive notebook sessions that hold GPUs, shared as
 * {@link SharingMode} says (issue 17). Jobs advance and are re-planned every round as in the plain
 * simulator; sessions are event-driven to the second.
 *
 * <p><b>Sessions.</b> A session asks for one GPU at its arrival; it gets a free one (a GPU no session
 * and no job holds; a finished job's GPUs free at the next round) or waits in one FIFO queue. Its
 * phases run from the moment it first gets its GPU (waiting delays the work, it does not shorten
 * it); it releases the GPU at its end. Waiting sessions are served whenever GPUs free: at a session's
 * end or reclaim, and at every round twice: before the jobs are planned (so a finished job's GPUs go
 * to sessions first) and after (GPUs the plan leaves unused).
 *
 * <p><b>Jobs.</b> Each round the policy plans the arrived, unfinished jobs on the GPUs no session
 * holds (partition: on the second half of the nodes), seen through
 * {@link PlannedNodes#forPolicy}: Pollux plans every node within what sessions leave on it;
 * policies that assume equal nodes see the largest even part, and GPUs outside it stay free for
 * sessions (counted as stranded). A job
 * whose allocation cannot be expressed in that part is shown to the policy as paused (it must move).
 * With no sessions the result is exactly {@link Simulator}'s.
 *
 * <p><b>Interactive-first.</b> A session that finds no free GPU takes one at once from an elastic
 * job above its minimum ({@link GpuChoice#victim}); that job is re-allocated then and pays the
 * restart penalty. Jobs at their minimum are never shrunk: the session waits. A session whose GPU
 * has been idle for the idle limit (counted from the later of the idle phase's start and the grant)
 * loses it; when its next active phase starts it asks again, like a new request.
 *
 * <p><b>End.</b> The run ends at the round at which the last job has finished; sessions still
 * holding or waiting then are cut off (a waiting request counts with its wait so far). Single
 * threaded; one instance per run.
 */
public final class MixedSimulator {
  private enum Kind { ARRIVE, PHASE, END, IDLE_LIMIT }

  private record Event(double time, long seq, Kind kind, SessionSeat seat, int phase, long epoch) {}

  /** What a round left (tests): each running job's allocation and each holding session's node. */
  record RoundView(double time, Map<String, List<Integer>> jobs, Map<String, Integer> sessions) {}

  /** A GPU taken from a job for a session (tests): the job's allocation before and after. */
  record Preemption(double time, String job, int minReplicas, List<Integer> before, List<Integer> after) {}

  /** A GPU taken back from an idle session (tests): since when it had been idle with it. */
  record Reclaim(double time, String session, double idleSince) {}

  private final Simulator base;
  private final JobRoundPlanner planner;
  private final SimConfig config;
  private final InteractiveConfig interactive;
  private final SharingMode mode;
  private final int nodes;
  private final int gpusPerNode;
  private final int[] sessionHeld;
  private final List<SessionSeat> seats = new ArrayList<>();
  private final PriorityQueue<Event> events = new PriorityQueue<>(
      Comparator.comparingDouble(Event::time).thenComparingLong(Event::seq));
  private final ArrayDeque<SessionSeat> queue = new ArrayDeque<>();
  private final List<Double> waits = new ArrayList<>();
  private long seq;
  private double jobsAt;
  private double sessionsAt;
  private double jobGpuSeconds;
  private double activeGpuSeconds;
  private double idleGpuSeconds;
  private double strandedGpuSeconds;
  private int reclaims;
  private int preemptions;
  private Consumer<RoundView> roundObserver = r -> {};
  private Consumer<Preemption> preemptionObserver = p -> {};
  private Consumer<Reclaim> reclaimObserver = r -> {};

  /** With sessions drawn from {@code interactive}'s model, load and seed. */
  public MixedSimulator(Workload workload, TraceLibrary traces, SimConfig config, InteractiveConfig interactive) {
    this(workload, traces, config, interactive,
        SessionGenerator.generate(interactive.model(), interactive.load(), interactive.seed()));
  }

  /**
   * With these sessions (the load and seed in {@code interactive} are then not used).
   *
   * @throws TraceDataException       as {@link Simulator}'s constructor
   * @throws IllegalArgumentException for partition on fewer than 2 nodes
   */
  public MixedSimulator(Workload workload, TraceLibrary traces, SimConfig config, InteractiveConfig interactive,
                        List<Session> sessions) {
    this.base = new Simulator(workload, traces, config);
    this.planner = new JobRoundPlanner(base);
    this.config = config;
    this.interactive = interactive;
    this.mode = interactive.mode();
    this.nodes = config.nodes();
    this.gpusPerNode = config.gpusPerNode();
    if (mode == SharingMode.PARTITION && nodes < 2) {
      throw new IllegalArgumentException("--sharing partition needs at least 2 nodes, have " + nodes);
    }
    this.sessionHeld = new int[nodes];
    for (Session s : sessions) seats.add(new SessionSeat(s));
  }

  /** Sessions may use nodes [0, this): all but under partition, where they get the first half. */
  private int sessionNodesEnd() {
    return mode == SharingMode.PARTITION ? nodes / 2 : nodes;
  }

  /** Jobs may use nodes [this, nodes): all but under partition, where they get the second half. */
  private int jobNodesStart() {
    return mode == SharingMode.PARTITION ? nodes / 2 : 0;
  }

  public MixedResult run() {
    return run(null);
  }

  /** Runs to the last job's completion round; {@code hourly} (unless null) gets one line per simulated hour. */
  public MixedResult run(Consumer<String> hourly) {
    long start = System.nanoTime();
    List<SimJob> jobs = base.jobs();
    for (SessionSeat seat : seats) push(seat.session.arrival(), Kind.ARRIVE, seat, 0, 0);
    double now = 0;
    int finished = 0;
    while (finished < jobs.size()) {
      if (now >= config.maxSimSeconds()) {
        throw new IllegalStateException("simulation passed " + (long) config.maxSimSeconds()
            + " simulated seconds with " + (jobs.size() - finished) + " jobs unfinished");
      }
      double roundAt = now + config.interval();
      while (!events.isEmpty() && events.peek().time() <= roundAt) handle(events.poll());
      stepJobsTo(roundAt);
      double before = now;
      now = roundAt;
      finished = 0;
      for (SimJob job : jobs) if (job.done()) finished++;
      round(now);
      if (hourly != null && Math.floor(now / 3600 + 1e-8) > Math.floor(before / 3600 + 1e-8)) {
        hourly.accept(status(now, finished));
      }
    }
    accrueSessions(now);
    int arrived = 0;
    int cutOff = 0;
    for (SessionSeat seat : seats) {
      if (!seat.arrived) continue;
      arrived++;
      if (!seat.ended && (seat.holding() || seat.waiting)) cutOff++;
    }
    for (SessionSeat seat : queue) waits.add(now - seat.askedAt);
    Map<String, Double> jcts = new LinkedHashMap<>();
    long restarts = 0;
    for (SimJob job : jobs) {
      jcts.put(job.name(), job.completionTime - job.spec.time());
      restarts += Math.max(0, job.restarts);
    }
    SimulationResult jobResult = new SimulationResult(jcts, now, restarts, (System.nanoTime() - start) / 1_000_000);
    return new MixedResult(jobResult, waits, arrived, cutOff, reclaims, preemptions, jobGpuSeconds,
        activeGpuSeconds, idleGpuSeconds, strandedGpuSeconds, config.totalGpus());
  }

  // ---- sessions ----

  private void push(double time, Kind kind, SessionSeat seat, int phase, long epoch) {
    events.add(new Event(time, seq++, kind, seat, phase, epoch));
  }

  private void handle(Event e) {
    SessionSeat seat = e.seat();
    double t = e.time();
    switch (e.kind()) {
      case ARRIVE -> {
        seat.arrived = true;
        request(seat, t);
      }
      case PHASE -> {
        accrueSessions(t);
        seat.phase = e.phase();
        seat.epoch++;
        if (seat.currentPhase().active()) {
          if (!seat.holding() && !seat.waiting) request(seat, t);
        } else if (seat.holding()) {
          armIdleLimit(seat, t);
        }
      }
      case END -> {
        accrueSessions(t);
        seat.ended = true;
        seat.epoch++;
        if (seat.waiting) {
          queue.remove(seat);
          seat.waiting = false;
          waits.add(t - seat.askedAt);
        }
        if (seat.holding()) {
          release(seat);
          serveNow(t);
        }
      }
      case IDLE_LIMIT -> {
        if (seat.ended || !seat.holding() || seat.epoch != e.epoch()) return;
        accrueSessions(t);
        reclaimObserver.accept(new Reclaim(t, seat.session.id(), seat.idleSince));
        release(seat);
        reclaims++;
        serveNow(t);
      }
    }
  }

  private void armIdleLimit(SessionSeat seat, double t) {
    seat.idleSince = t;
    if (mode == SharingMode.INTERACTIVE_FIRST) {
      push(t + interactive.idleLimitSeconds(), Kind.IDLE_LIMIT, seat, seat.phase, seat.epoch);
    }
  }

  private void request(SessionSeat seat, double t) {
    seat.waiting = true;
    seat.askedAt = t;
    queue.add(seat);
    serveNow(t);
  }

  private void grant(SessionSeat seat, int node, double t) {
    accrueSessions(t);
    seat.waiting = false;
    seat.node = node;
    seat.epoch++;
    if (++sessionHeld[node] > gpusPerNode) {
      throw new IllegalStateException("node " + node + " has more than " + gpusPerNode + " session GPUs");
    }
    waits.add(t - seat.askedAt);
    if (!seat.started) {
      seat.started = true;
      seat.phase = 0;
      Session s = seat.session;
      for (int i = 1; i < s.phases().size(); i++) push(t + s.phases().get(i).start(), Kind.PHASE, seat, i, 0);
      push(t + s.duration(), Kind.END, seat, 0, 0);
    } else if (!seat.currentPhase().active()) {
      armIdleLimit(seat, t);
    }
  }

  private void release(SessionSeat seat) {
    sessionHeld[seat.node]--;
    seat.node = -1;
    seat.epoch++;
  }

  /** Adds the GPU-seconds since the last call to the active or idle total of each holding session. */
  private void accrueSessions(double t) {
    double dt = t - sessionsAt;
    if (dt <= 0) return;
    for (SessionSeat seat : seats) {
      if (!seat.holding()) continue;
      if (seat.currentPhase().active()) activeGpuSeconds += dt;
      else idleGpuSeconds += dt;
    }
    sessionsAt = t;
  }

  /** Between rounds: serves the queue from free GPUs and (interactive-first) from elastic jobs at once. */
  private void serveNow(double t) {
    if (queue.isEmpty()) return;
    Map<String, List<Integer>> live = new LinkedHashMap<>();
    for (SimJob job : base.jobs()) if (!job.allocation.isEmpty()) live.put(job.name(), job.allocation);
    Map<String, List<Integer>> before = new HashMap<>(live);
    serve(t, live, true);
    for (SimJob job : base.jobs()) {
      List<Integer> now = live.getOrDefault(job.name(), List.of());
      if (!now.equals(before.getOrDefault(job.name(), List.of()))) job.reallocate(now);
    }
  }

  /**
   * Grants queued sessions GPUs free under {@code allocations} (job name to nodes, updated in place
   * when interactive-first takes a GPU from a job), FIFO, until the head cannot be served.
   *
   * @param betweenRounds whether jobs must first be advanced to {@code t} (before one is shrunk)
   */
  private void serve(double t, Map<String, List<Integer>> allocations, boolean betweenRounds) {
    while (!queue.isEmpty()) {
      int[] use = GpuChoice.jobUse(nodes, allocations);
      int node = GpuChoice.freeNode(gpusPerNode, sessionHeld, use, 0, sessionNodesEnd());
      if (node < 0 && mode == SharingMode.INTERACTIVE_FIRST) {
        if (betweenRounds) stepJobsTo(t);
        node = takeFromJob(t, allocations);
      }
      if (node < 0) return;
      grant(queue.poll(), node, t);
    }
  }

  /** Interactive-first: shrinks an elastic job above its minimum by one GPU; its node, or -1. */
  private int takeFromJob(double t, Map<String, List<Integer>> allocations) {
    Map<String, Integer> elastic = new LinkedHashMap<>();
    for (SimJob job : base.jobs()) {
      if (job.spec.time() <= t && !job.done() && allocations.containsKey(job.name())) {
        elastic.put(job.name(), base.stateOf(job).minReplicas());
      }
    }
    GpuChoice.Victim v = GpuChoice.victim(allocations, elastic, sessionHeld);
    if (v == null) return -1;
    List<Integer> before = allocations.get(v.job());
    List<Integer> after = GpuChoice.without(before, v.node());
    allocations.put(v.job(), after);
    preemptions++;
    preemptionObserver.accept(new Preemption(t, v.job(), elastic.get(v.job()), before, after));
    return v.node();
  }

  // ---- jobs ----

  /** Advances every job to {@code t}, adding their GPU-seconds outside re-allocation pauses. */
  private void stepJobsTo(double t) {
    double dt = t - jobsAt;
    if (dt <= 0) return;
    for (SimJob job : base.jobs()) {
      boolean placed = job.placement.length > 0;
      int gpus = job.gpus();
      double before = job.attainedService;
      double pause = placed ? Math.min(job.rescaleTime, dt) * gpus : 0;
      job.step(dt);
      jobGpuSeconds += job.attainedService - before - pause;
    }
    jobsAt = t;
  }

  /**
   * A round: queued sessions take free GPUs (interactive-first: also from elastic jobs), the policy
   * plans the jobs on the GPUs no session holds, queued sessions take what it left, jobs move.
   */
  private void round(double t) {
    List<SimJob> active = new ArrayList<>();
    Map<String, List<Integer>> plan = new LinkedHashMap<>();
    for (SimJob job : base.jobs()) {
      if (job.spec.time() <= t && !job.done()) {
        active.add(job);
        if (!job.allocation.isEmpty()) plan.put(job.name(), job.allocation);
      }
    }
    serve(t, plan, false);
    if (!active.isEmpty()) plan = planJobs(active, plan, t);
    serve(t, plan, false);
    for (SimJob job : base.jobs()) {
      List<Integer> is = plan.getOrDefault(job.name(), List.of());
      if (!job.allocation.equals(is)) job.reallocate(is);
    }
    check(plan);
    Map<String, Integer> held = new LinkedHashMap<>();
    for (SessionSeat seat : seats) if (seat.holding()) held.put(seat.session.id(), seat.node);
    roundObserver.accept(new RoundView(t, Map.copyOf(plan), held));
  }

  /** The policy's plan for {@code active} on the GPUs sessions leave, in real node indices; counts stranded GPUs. */
  private Map<String, List<Integer>> planJobs(List<SimJob> active, Map<String, List<Integer>> current, double t) {
    Map<Integer, Integer> usable = new LinkedHashMap<>();
    for (int n = jobNodesStart(); n < nodes; n++) {
      if (gpusPerNode - sessionHeld[n] > 0) usable.put(n, gpusPerNode - sessionHeld[n]);
    }
    JobRoundPlanner.Plan plan = planner.plan(active, current, usable, t);
    strandedGpuSeconds += plan.stranded() * (double) config.interval();
    return plan.allocations();
  }

  /** No GPU held twice: jobs plus sessions on each node within its GPUs; each side on its own nodes. */
  private void check(Map<String, List<Integer>> plan) {
    int[] use = GpuChoice.jobUse(nodes, plan);
    for (int n = 0; n < nodes; n++) {
      if (use[n] + sessionHeld[n] > gpusPerNode) {
        throw new IllegalStateException("node " + n + ": " + use[n] + " job and " + sessionHeld[n]
            + " session GPUs, has " + gpusPerNode);
      }
      if ((n < jobNodesStart() && use[n] > 0) || (n >= sessionNodesEnd() && sessionHeld[n] > 0)) {
        throw new IllegalStateException("node " + n + " used across the partition");
      }
    }
  }

  private String status(double now, int finished) {
    int running = 0;
    int gpus = 0;
    for (SimJob job : base.jobs()) {
      if (job.spec.time() <= now && !job.done() && job.gpus() > 0) {
        running++;
        gpus += job.gpus();
      }
    }
    int holding = 0;
    int idle = 0;
    for (SessionSeat seat : seats) {
      if (!seat.holding()) continue;
      holding++;
      if (!seat.currentPhase().active()) idle++;
    }
    return String.format(Locale.ROOT, "t=%5.1fh  jobs running=%3d  job gpus=%3d  sessions holding=%3d (idle %d)"
        + "  waiting=%d  gpus=%3d/%d  finished=%3d/%d", now / 3600, running, gpus, holding, idle, queue.size(),
        gpus + holding, config.totalGpus(), finished, base.jobs().size());
  }

  void observeRounds(Consumer<RoundView> observer) {
    this.roundObserver = observer;
  }

  void observePreemptions(Consumer<Preemption> observer) {
    this.preemptionObserver = observer;
  }

  void observeReclaims(Consumer<Reclaim> observer) {
    this.reclaimObserver = observer;
  }
}
