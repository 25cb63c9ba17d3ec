package dev.gpuhub.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.bench.HubBrowser;
import dev.gpuhub.bench.KernelChannel;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What users and nodes do all the time, recorded as timed events while faults come and go:
 * <ul>
 *   <li>{@code proxy}: every second each keeper reads its file through the hub's proxy;</li>
 *   <li>{@code kernel}: every second the first keeper's kernel runs a line of code (over a WebSocket
 *       through the proxy, opened again when it broke);</li>
 *   <li>{@code login}: every two seconds a user logs in with the login form;</li>
 *   <li>{@code spawn}: the churn user starts a server, waits until it is ready, stops it, again
 *       (paused on request);</li>
 *   <li>{@code nodes}: twice a second, whether the node is available for placement;</li>
 *   <li>{@code health}: four times a second, {@code /health-check}, with its latency.</li>
 * </ul>
 * Heartbeats are the agent's own, every interval.
 */
final class SteadyLoad implements AutoCloseable {
  /** One request and how it went; {@code millis} is its latency. */
  record Event(long at, String kind, boolean ok, long millis, String detail) {}

  private static final Duration SPAWN_LIMIT = Duration.ofSeconds(120);

  private final ChaosCluster cluster;
  private final List<ChaosUser> keepers;
  private final ChaosUser churn;
  private final String loginUser;
  private final String loginPassword;
  private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean churnPaused = new AtomicBoolean();
  private volatile boolean churnIdle = true;
  private final List<Thread> threads = new ArrayList<>();

  SteadyLoad(ChaosCluster cluster, List<ChaosUser> keepers, ChaosUser churn, String loginUser, String loginPassword) {
    this.cluster = cluster;
    this.keepers = keepers;
    this.churn = churn;
    this.loginUser = loginUser;
    this.loginPassword = loginPassword;
  }

  void start() {
    every("proxy", 1000, this::proxy);
    every("kernel", 1000, new KernelTask()::run);
    every("login", 2000, this::login);
    every("nodes", 500, this::nodes);
    every("health", 250, this::health);
    Thread t = new Thread(this::churnLoop, "chaos-spawn");
    t.setDaemon(true);
    t.start();
    threads.add(t);
  }

  /** Every event recorded in {@code [from, to]} (epoch milliseconds). */
  List<Event> between(long from, long to) {
    return events.stream().filter(e -> e.at() >= from && e.at() <= to).toList();
  }

  /** Stops starting servers for the churn user, and waits until its server has stopped. */
  void pauseChurn() throws InterruptedException {
    churnPaused.set(true);
    long deadline = System.nanoTime() + SPAWN_LIMIT.toNanos();
    while (!churnIdle && System.nanoTime() < deadline) Thread.sleep(100);
  }

  void resumeChurn() {
    churnPaused.set(false);
  }

  private void record(String kind, boolean ok, long t0, String detail) {
    events.add(new Event(System.currentTimeMillis(), kind, ok, (System.nanoTime() - t0) / 1_000_000, detail));
  }

  private void proxy() throws Exception {
    for (ChaosUser k : keepers) {
      long t0 = System.nanoTime();
      try {
        boolean ok = k.readFile() != null;
        record("proxy", ok, t0, ok ? k.name : k.name + ": file not served");
      } catch (Exception e) {
        record("proxy", false, t0, k.name + ": " + e);
      }
    }
  }

  private void login() {
    long t0 = System.nanoTime();
    try {
      int status = new HubBrowser(cluster.hubUrl(), Duration.ofSeconds(10)).logIn(loginUser, loginPassword);
      record("login", status == 302, t0, "status " + status);
    } catch (Exception e) {
      record("login", false, t0, e.toString());
    }
  }

  private void nodes() {
    long t0 = System.nanoTime();
    try {
      int n = cluster.availableNodes();
      record("nodes", n == 1, t0, n + " available");
    } catch (Exception e) {
      record("nodes", false, t0, e.toString());
    }
  }

  private void health() {
    long t0 = System.nanoTime();
    try {
      HttpResponse<String> r = cluster.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(cluster.discoveryUrl() + "/health-check")));
      record("health", r.statusCode() == 200 || r.statusCode() == 503, t0, Integer.toString(r.statusCode()));
    } catch (Exception e) {
      record("health", false, t0, e.toString());
    }
  }

  /** Starts the churn user's server, waits until ready, stops it: one "spawn" event per cycle. */
  private void churnLoop() {
    while (running.get()) {
      if (churnPaused.get()) {
        sleep(200);
        continue;
      }
      churnIdle = false;
      long t0 = System.nanoTime();
      try {
        String outcome = churn.startAndAwaitReady(SPAWN_LIMIT);
        record("spawn", outcome == null, t0, outcome == null ? "ready" : outcome);
      } catch (Exception e) {
        record("spawn", false, t0, e.toString());
      } finally {
        try {
          churn.stopAndAwaitGone(SPAWN_LIMIT);
        } catch (Exception e) {
          record("spawn", false, System.nanoTime(), "stop: " + e);
        }
        churnIdle = true;
      }
      sleep(1000);
    }
  }

  /** The first keeper's kernel: one execution per tick, reconnecting after a break. */
  private final class KernelTask {
    private KernelChannel channel;

    void run() {
      long t0 = System.nanoTime();
      ChaosUser k = keepers.get(0);
      try {
        if (channel == null || channel.isClosed()) {
          if (channel != null) channel.close();
          channel = null;
          channel = k.openKernel();
        }
        String status = channel.execute("chaos_ticks = globals().get('chaos_ticks', 0) + 1", Duration.ofSeconds(5));
        record("kernel", "ok".equals(status), t0, status);
      } catch (Exception e) {
        if (channel != null) channel.close();
        channel = null;
        record("kernel", false, t0, e.toString());
      }
    }
  }

  private interface Task {
    void run() throws Exception;
  }

  private void every(String name, long periodMillis, Task task) {
    Thread t = new Thread(() -> {
      while (running.get()) {
        long next = System.currentTimeMillis() + periodMillis;
        try {
          task.run();
        } catch (Exception e) {
          record(name, false, System.nanoTime(), e.toString());
        }
        sleep(Math.max(0, next - System.currentTimeMillis()));
      }
    }, "chaos-" + name);
    t.setDaemon(true);
    t.start();
    threads.add(t);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) t.join(15_000);
  }

  /** Whether the JSON status of a server says ready. */
  static boolean ready(JsonNode status) {
    return status != null && status.path("ready").asBoolean(false);
  }
}
