package dev.gpuhub.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.bench.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fault-injection suite ({@code scripts/chaos.sh}; {@code ChaosIT} runs it with short
 * durations): a real installation ({@link ChaosCluster}) under a steady load ({@link SteadyLoad}),
 * broken in turn by each fault, with what each cost printed beside its targets
 * ({@link FaultReport}). Faults, in this order by default:
 * <ol>
 *   <li>{@code postgres}: PostgreSQL stopped for the hold time, then started;</li>
 *   <li>{@code redis}: Redis killed for the hold time, then started empty (no persistence);</li>
 *   <li>{@code node-silent}: the agent frozen (SIGSTOP) for longer than the live-state TTL, then thawed;</li>
 *   <li>{@code agent-kill}: the agent killed with SIGKILL, started again after the hold time;</li>
 *   <li>{@code hub-kill}: the control plane killed with SIGKILL while two requests wait in the
 *       queue behind a full node, started again at once;</li>
 *   <li>{@code hub-sigterm}: the control plane stopped with SIGTERM under the load, started again;</li>
 *   <li>{@code dockerd-restart}: the node's dockerd restarted, which stops every container on it.</li>
 * </ol>
 */
public final class ChaosSuite {
  static final List<String> FAULTS = List.of("postgres", "redis", "node-silent", "agent-kill", "hub-kill", "hub-sigterm",
      "dockerd-restart");
  private static final String USAGE = "chaos [--hold-seconds 20] [--interval-seconds 2] [--faults "
      + String.join(",", FAULTS) + "] [--jar app/target/gpuhub.jar] [--dir DIR]";
  private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(180);
  private static final Duration SETTLE = Duration.ofSeconds(3);
  /** The node takes this many servers: two keepers and the churn user; the hub fault fills it. */
  private static final int NODE_SLOTS = 3;

  private final ChaosCluster cluster;
  private final Duration hold;
  private final List<ChaosUser> keepers = new ArrayList<>();
  private final Map<String, String> markers = new HashMap<>();
  private ChaosUser churn;
  private SteadyLoad load;

  private ChaosSuite(ChaosCluster cluster, Duration hold) {
    this.cluster = cluster;
    this.hold = hold;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = Options.parse(args, USAGE);
    List<FaultReport> reports = run(Path.of(o.getOrDefault("jar", "app/target/gpuhub.jar")).toAbsolutePath(),
        o.containsKey("dir") ? Path.of(o.get("dir")) : Files.createTempDirectory("gpuhub-chaos"),
        Duration.ofSeconds(Long.parseLong(o.getOrDefault("hold-seconds", "20"))),
        Duration.ofSeconds(Long.parseLong(o.getOrDefault("interval-seconds", "2"))),
        List.of(o.getOrDefault("faults", String.join(",", FAULTS)).split(",")));
    System.exit(reports.stream().allMatch(FaultReport::met) ? 0 : 1);
  }

  /**
   * Runs the suite and prints each fault's report as it ends and a summary at the end; returns the
   * reports. {@code hold}: how long a store stays down and a killed agent away; the node stays
   * silent for the TTL (three intervals) plus two intervals.
   */
  public static List<FaultReport> run(Path jar, Path dir, Duration hold, Duration interval, List<String> faults)
      throws Exception {
    for (String f : faults) if (!FAULTS.contains(f)) throw new IllegalArgumentException("unknown fault '" + f + "': " + FAULTS);
    int ttl = (int) Math.max(3, interval.toSeconds() * 3);
    List<FaultReport> reports = new ArrayList<>();
    try (ChaosCluster cluster = ChaosCluster.start(dir, jar, interval, ttl, NODE_SLOTS)) {
      ChaosSuite suite = new ChaosSuite(cluster, hold);
      suite.prepare();
      try {
        for (String f : faults) {
          FaultReport r = suite.inject(f);
          System.out.print(r.describe());
          System.out.flush();
          reports.add(r);
        }
      } finally {
        suite.load.close();
      }
    }
    System.out.println(summary(reports, hold, interval));
    return reports;
  }

  private void prepare() throws Exception {
    cluster.shrinkProfiles();
    for (String name : List.of("keeper1", "keeper2")) {
      ChaosUser k = ChaosUser.signUp(cluster.hubUrl(), name);
      String problem = k.startAndAwaitReady(Duration.ofSeconds(180));
      if (problem != null) throw new IllegalStateException(name + "'s server: " + problem + "\n" + cluster.logTail("server.log"));
      String marker = "chaos-" + name + "-" + Long.toHexString(System.nanoTime());
      k.writeFile(marker);
      markers.put(name, marker);
      keepers.add(k);
    }
    churn = ChaosUser.signUp(cluster.hubUrl(), "churn");
    ChaosUser login = ChaosUser.signUp(cluster.hubUrl(), "login");
    load = new SteadyLoad(cluster, keepers, churn, login.name, login.password);
    load.start();
    awaitWhole(Duration.ofSeconds(120));
  }

  private FaultReport inject(String fault) throws Exception {
    awaitWhole(RECOVERY_LIMIT);
    Map<String, String> started = startedTimes(keepers);
    long lostBefore = heartbeatsLost();
    long t0 = System.currentTimeMillis();
    Fault f = switch (fault) {
      case "postgres" -> Fault.of(cluster.pg::halt, cluster.pg::resume);
      case "redis" -> Fault.of(cluster.redis::halt, cluster.redis::resume);
      case "node-silent" -> Fault.of(() -> cluster.freezeAgent(true), () -> cluster.freezeAgent(false));
      case "agent-kill" -> Fault.of(cluster::killAgent, cluster::startAgent);
      case "hub-kill" -> new HubKill(cluster, load, this::extraUser);
      case "hub-sigterm" -> new HubSigterm(cluster);
      case "dockerd-restart" -> new DockerdRestart(cluster, keepers);
      default -> throw new IllegalArgumentException(fault);
    };
    f.inject();
    Thread.sleep(fault.equals("node-silent") ? (cluster.ttlSeconds + 2L * cluster.interval.toSeconds()) * 1000
        : fault.startsWith("hub") || fault.startsWith("dockerd") ? 0 : hold.toMillis());
    long restoring = System.currentTimeMillis();
    f.restore();
    // a store or process is back when its restart returns; after a dockerd restart, users' servers
    // are back when they started again (the restore step)
    long restored = fault.equals("dockerd-restart") ? restoring : System.currentTimeMillis();
    double recovery = awaitWhole(RECOVERY_LIMIT);
    Thread.sleep(SETTLE.toMillis());
    FaultReport r = new FaultReport(fault, load.between(t0, System.currentTimeMillis()));
    r.recoverySeconds = recovery >= 0 ? (System.currentTimeMillis() - restored) / 1000.0 - SETTLE.toSeconds() : -1;
    r.heartbeatsLost = heartbeatsLost() - lostBefore;
    r.checkHealthLatency();
    if (!fault.equals("dockerd-restart")) {
      r.serversLost = serversLost(started);
      r.check("servers lost", "0", Integer.toString(r.serversLost), r.serversLost == 0);
    }
    r.filesLost = filesLost();
    r.check("files lost", "0", Integer.toString(r.filesLost), r.filesLost == 0);
    f.check(r);
    switch (fault) {
      case "postgres", "redis" -> storeChecks(r);
      case "agent-kill" -> {
        long failed = load.between(t0, restored).stream().filter(e -> e.kind().equals("proxy") && !e.ok()).count();
        r.check("servers keep serving while the agent is away", "0 failed reads", Long.toString(failed), failed == 0);
      }
      default -> { }
    }
    leftovers(r);
    return r;
  }

  /** A store outage: no node lost from availability, no heartbeat dropped, back within one heartbeat interval. */
  private void storeChecks(FaultReport r) {
    r.check("nodes lost from availability", "0 s", r.nodesUnavailableSeconds + " s", r.nodesUnavailableSeconds == 0);
    r.check("heartbeats dropped", "0", Long.toString(r.heartbeatsLost), r.heartbeatsLost == 0);
    double limit = cluster.interval.toMillis() / 1000.0;
    r.check("recovery after the store returned", "<= " + limit + " s", String.format("%.1f s", r.recoverySeconds),
        r.recoverySeconds >= 0 && r.recoverySeconds <= limit);
  }

  /** Orphan containers and leaked reservations once the churn is paused and its server gone. */
  private void leftovers(FaultReport r) throws Exception {
    load.pauseChurn();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      do {
        Set<String> active = activeUsers();
        r.orphans = (int) cluster.serverContainers(true).stream().filter(u -> !active.contains(u)).count();
        r.leakedReservations = 0;
        for (JsonNode res : cluster.discovery("GET", "/reservations", null).path("reservations")) {
          String owner = res.path("owner").asText();
          String user = owner.startsWith("server:") ? owner.substring(7).split("[/:]")[0] : owner;
          if (!active.contains(user)) r.leakedReservations++;
        }
        if (r.orphans == 0 && r.leakedReservations == 0) break;
        Thread.sleep(1000);
      } while (System.nanoTime() < deadline);
    } finally {
      load.resumeChurn();
    }
    r.check("orphan containers after recovery", "0", Integer.toString(r.orphans), r.orphans == 0);
    r.check("leaked reservations after recovery", "0", Integer.toString(r.leakedReservations), r.leakedReservations == 0);
  }

  /** Users whose server is running or starting now, as the hub says. */
  private Set<String> activeUsers() throws Exception {
    Set<String> active = new HashSet<>();
    for (ChaosUser u : allUsers()) {
      JsonNode s = u.server();
      String state = s == null ? "none" : s.path("state").asText();
      if (state.equals("running") || state.equals("pending")) active.add(u.name);
    }
    return active;
  }

  private final List<ChaosUser> extraUsers = new ArrayList<>();

  private List<ChaosUser> allUsers() {
    List<ChaosUser> all = new ArrayList<>(keepers);
    all.add(churn);
    all.addAll(extraUsers);
    return all;
  }

  private Map<String, String> startedTimes(List<ChaosUser> users) throws Exception {
    Map<String, String> started = new LinkedHashMap<>();
    for (ChaosUser u : users) {
      JsonNode s = u.server();
      started.put(u.name, s == null ? "none" : s.path("started").asText());
    }
    return started;
  }

  /** Servers that are not ready any more, or were started again (a new container), since {@code before}. */
  private int serversLost(Map<String, String> before) throws Exception {
    int lost = 0;
    for (ChaosUser u : allUsers()) {
      if (!before.containsKey(u.name)) continue;
      JsonNode s = u.server();
      if (!SteadyLoad.ready(s) || !sameInstant(before.get(u.name), s.path("started").asText())) lost++;
    }
    return lost;
  }

  /** Whether two instants as the hub writes them are the same to the millisecond. */
  static boolean sameInstant(String a, String b) {
    try {
      return java.time.Instant.parse(a).truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
          .equals(java.time.Instant.parse(b).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    } catch (RuntimeException e) {
      return a.equals(b);
    }
  }

  private int filesLost() throws Exception {
    int lost = 0;
    for (ChaosUser k : keepers) if (!markers.get(k.name).equals(k.readFile())) lost++;
    return lost;
  }

  /** {@code database.heartbeats_lost} of {@code /health-check} (as the admin); 0 when it cannot be read. */
  private long heartbeatsLost() {
    try {
      return cluster.discovery("GET", "/health-check", null).path("database").path("heartbeats_lost").asLong();
    } catch (Exception e) {
      return 0;
    }
  }

  /**
   * Waits until the installation is whole: the node available, both stores healthy, every keeper's
   * file served; returns the seconds it took, or -1 when {@code limit} passed.
   */
  private double awaitWhole(Duration limit) throws Exception {
    long t0 = System.nanoTime();
    while (System.nanoTime() - t0 < limit.toNanos()) {
      if (healthy() && keepersServe()) return (System.nanoTime() - t0) / 1e9;
      Thread.sleep(100);
    }
    return -1;
  }

  private boolean healthy() {
    try {
      return cluster.availableNodes() == 1
          && cluster.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.discoveryUrl() + "/health-check")))
          .statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private boolean keepersServe() {
    try {
      for (ChaosUser k : keepers) if (!markers.get(k.name).equals(k.readFile())) return false;
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** A user made once for a fault's own purpose (the node's filler, queued users). */
  private ChaosUser extraUser(String name) throws Exception {
    for (ChaosUser u : extraUsers) if (u.name.equals(name)) return u;
    ChaosUser u = ChaosUser.signUp(cluster.hubUrl(), name);
    extraUsers.add(u);
    return u;
  }

  /** The table at the end: one line per fault, and whether every target was met. */
  static String summary(List<FaultReport> reports, Duration hold, Duration interval) {
    StringBuilder b = new StringBuilder(String.format("%nChaos suite: hold %d s, heartbeat interval %d s%n",
        hold.toSeconds(), interval.toSeconds()));
    b.append(String.format("%-18s %10s %10s %12s %10s %8s %7s %8s %7s %9s %8s %s%n", "fault", "degraded s", "failed",
        "nodes off s", "recovery s", "hb lost", "s lost", "f lost", "orphans", "leaked", "hc max", "targets"));
    for (FaultReport r : reports) {
      long missed = r.checks.stream().filter(c -> !c.met()).count();
      b.append(String.format(java.util.Locale.ROOT, "%-18s %10.1f %10s %12.1f %10.1f %8d %7d %8d %7d %9d %6dms %s%n",
          r.fault, r.degradedSeconds, r.requestsFailed + "/" + r.requests, r.nodesUnavailableSeconds, r.recoverySeconds,
          r.heartbeatsLost, r.serversLost, r.filesLost, r.orphans, r.leakedReservations, r.healthMaxMillis,
          missed == 0 ? "all " + r.checks.size() + " met" : missed + " of " + r.checks.size() + " MISSED"));
    }
    boolean all = reports.stream().allMatch(FaultReport::met);
    b.append(all ? "every target met" : "TARGETS MISSED");
    return b.toString();
  }
}
