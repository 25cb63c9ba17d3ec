package dev.gpuhub.bench.broker;

import dev.gpuhub.broker.AppType;
import dev.gpuhub.broker.BrokerClient;
import dev.gpuhub.broker.BrokerConfig;
import dev.gpuhub.broker.BrokerProtocol;
import dev.gpuhub.broker.BrokerServer;
import dev.gpuhub.broker.WorkerConfig;
import dev.gpuhub.broker.WorkerServer;
import dev.gpuhub.core.balance.BackendStatus;
import dev.gpuhub.core.balance.Strategy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Broker benchmark (seed 004), everything in one process on loopback, in one run:
 *
 * <ol>
 *   <li><b>Overhead</b>: one worker with a short Short (5 ms), one request at a time, each request
 *       sent directly to the worker and through the broker alternately (order flipped every pair);
 *       overhead = broker p50 (p95) minus direct p50 (p95), plus the median per-pair difference.
 *   <li><b>Long/Short mix</b>: 3 workers that run one request at a time each ({@code
 *       --max-concurrent 1}: a worker is one GPU, later requests queue), Long 250 ms / Short 50 ms
 *       (the seed's 5:1), at 10 %, 20 % and 40 % Long. Load is <b>open loop</b>: Poisson arrivals at a
 *       fixed rate giving 70 % utilisation, the same schedule (arrival times and types) replayed
 *       for round robin and for least connections. Latency runs from the scheduled arrival to the
 *       reply, so queueing a strategy causes is counted in full. A closed loop of N clients would
 *       slow its own arrivals down exactly when a strategy builds queues, hiding the difference
 *       being measured (and with workers that only sleep and run requests in parallel, as the
 *       seed's do, no strategy could change latency at all: hence finite worker capacity).
 * </ol>
 *
 * <p>Prints Markdown tables and whether the targets hold (least connections beats round robin on
 * mean latency at Long >= 20 %; overhead p50 < 1 ms). Exits 0 whatever the verdict.
 *
 * <p>Usage: {@code BrokerBenchmark [--long-ms 250] [--short-ms 50] [--mixes 10,20,40] [--requests 240]
 * [--load 0.7] [--workers 3] [--capacity 1] [--overhead-short-ms 5] [--overhead-requests 500] [--warmup 300] [--seed 42]}
 */
public final class BrokerBenchmark {
  static final double TARGET_OVERHEAD_P50_MS = 1.0;
  static final double TARGET_MIN_LONG_SHARE = 0.20;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private BrokerBenchmark() {}

  /** The benchmark's settings. */
  public record Options(int workers, int capacity, Duration longDuration, Duration shortDuration, double load, int requests,
                        double[] longShares, Duration overheadShort, int overheadRequests, int warmup, long seed) {
    public static Options parse(String[] args) {
      Map<String, String> o = new HashMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
        }
        o.put(args[i].substring(2), args[++i]);
      }
      double[] shares = Arrays.stream(o.getOrDefault("mixes", "10,20,40").split(","))
          .mapToDouble(s -> Double.parseDouble(s.strip()) / 100).toArray();
      Options opts = new Options(Integer.parseInt(o.getOrDefault("workers", "3")), Integer.parseInt(o.getOrDefault("capacity", "1")),
          Duration.ofMillis(Long.parseLong(o.getOrDefault("long-ms", "250"))),
          Duration.ofMillis(Long.parseLong(o.getOrDefault("short-ms", "50"))), Double.parseDouble(o.getOrDefault("load", "0.7")),
          Integer.parseInt(o.getOrDefault("requests", "240")), shares,
          Duration.ofMillis(Long.parseLong(o.getOrDefault("overhead-short-ms", "5"))),
          Integer.parseInt(o.getOrDefault("overhead-requests", "500")), Integer.parseInt(o.getOrDefault("warmup", "300")),
          Long.parseLong(o.getOrDefault("seed", "42")));
      o.keySet().removeAll(List.of("workers", "capacity", "long-ms", "short-ms", "load", "requests", "mixes",
          "overhead-short-ms", "overhead-requests", "warmup", "seed"));
      if (!o.isEmpty()) throw new IllegalArgumentException("unknown options: " + o.keySet());
      return opts;
    }

    /** Mean work per request at this Long share, in seconds. */
    double meanServiceSeconds(double longShare) {
      return (longShare * longDuration.toNanos() + (1 - longShare) * shortDuration.toNanos()) / 1e9;
    }

    /** Arrivals per second that keep the workers {@code load} busy at this Long share. */
    double rate(double longShare) {
      return load * workers * capacity / meanServiceSeconds(longShare);
    }
  }

  /** Direct vs through the broker, one request at a time. */
  public record OverheadResult(Latencies direct, Latencies broker, double medianPairDifferenceMs) {
    public double p50OverheadMs() {
      return broker.p50Ms() - direct.p50Ms();
    }

    public double p95OverheadMs() {
      return broker.p95Ms() - direct.p95Ms();
    }
  }

  /** One strategy on one mix. */
  public record MixResult(double longShare, double rate, Strategy strategy, Latencies all, Latencies shortOnes,
                          Latencies longOnes, int errors) {}

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    System.out.printf(Locale.ROOT, "gpuhub broker benchmark (seed 004): everything on loopback in one process; %d cores, Java %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.println();
    System.out.printf(Locale.ROOT, "(a) broker overhead: 1 worker, Short = %d ms, one request at a time, %d direct and %d through the "
            + "broker, interleaved, after %d warm-up pairs%n%n", o.overheadShort().toMillis(), o.overheadRequests(),
        o.overheadRequests(), o.warmup());
    OverheadResult overhead = measureOverhead(o);
    System.out.println(overheadTable(overhead));
    System.out.printf(Locale.ROOT, "(b) Long/Short mix: %d workers running %d request(s) at a time each, Long %d ms / Short %d ms, "
            + "open loop: Poisson arrivals at %.0f %% utilisation, %d requests per run, same schedule for both strategies "
            + "(seed %d)%n%n", o.workers(), o.capacity(), o.longDuration().toMillis(), o.shortDuration().toMillis(), o.load() * 100,
        o.requests(), o.seed());
    System.out.println(MIX_HEADER);
    System.out.println(MIX_RULE);
    List<MixResult> mixes = measureMixes(o, r -> System.out.println(mixRow(r)));
    System.out.println();
    System.out.print(summary(overhead, mixes));
  }

  /** Part (a). */
  public static OverheadResult measureOverhead(Options o) throws Exception {
    try (WorkerServer worker = WorkerServer.start(WorkerConfig.of(1).withPort(0)
            .withDurations(o.overheadShort(), o.overheadShort()));
         BrokerServer broker = BrokerServer.start(BrokerConfig.of(List.of(new InetSocketAddress("127.0.0.1", worker.port())))
             .withPort(0))) {
      InetSocketAddress direct = new InetSocketAddress(InetAddress.getLoopbackAddress(), worker.port());
      InetSocketAddress via = new InetSocketAddress(InetAddress.getLoopbackAddress(), broker.port());
      String workerRequest = BrokerProtocol.workerRequest(AppType.SHORT);
      String brokerRequest = BrokerProtocol.clientRequest(AppType.SHORT, Strategy.ROUND_ROBIN);
      for (int i = 0; i < o.warmup(); i++) {
        expect(BrokerClient.send(direct, workerRequest, TIMEOUT));
        expect(BrokerClient.send(via, brokerRequest, TIMEOUT));
      }
      int n = o.overheadRequests();
      long[] d = new long[n];
      long[] b = new long[n];
      long[] diff = new long[n];
      for (int i = 0; i < n; i++) {
        if (i % 2 == 0) {
          d[i] = timed(direct, workerRequest);
          b[i] = timed(via, brokerRequest);
        } else {
          b[i] = timed(via, brokerRequest);
          d[i] = timed(direct, workerRequest);
        }
        diff[i] = b[i] - d[i];
      }
      Arrays.sort(diff);
      return new OverheadResult(new Latencies(d), new Latencies(b), diff[n / 2] / 1e6);
    }
  }

  private static long timed(InetSocketAddress to, String message) throws IOException {
    long t0 = System.nanoTime();
    expect(BrokerClient.send(to, message, TIMEOUT));
    return System.nanoTime() - t0;
  }

  private static void expect(String reply) {
    if (!reply.equals(BrokerProtocol.WORKER_REPLY)) throw new IllegalStateException("unexpected reply: " + reply);
  }

  /** Part (b): every mix, round robin then least connections on the same schedule. */
  public static List<MixResult> measureMixes(Options o, Consumer<MixResult> each) throws Exception {
    List<WorkerServer> workers = new ArrayList<>();
    List<InetSocketAddress> addresses = new ArrayList<>();
    try {
      for (int i = 1; i <= o.workers(); i++) {
        WorkerServer w = WorkerServer.start(WorkerConfig.of(i).withPort(0).withDurations(o.longDuration(), o.shortDuration())
            .withMaxConcurrent(o.capacity()).withMaxQueued(100_000));
        workers.add(w);
        addresses.add(new InetSocketAddress("127.0.0.1", w.port()));
      }
      List<MixResult> out = new ArrayList<>();
      try (BrokerServer broker = BrokerServer.start(BrokerConfig.of(addresses).withPort(0).withMaxClients(2048)
          .withMaxQueued(100_000))) {
        InetSocketAddress via = new InetSocketAddress(InetAddress.getLoopbackAddress(), broker.port());
        for (int i = 0; i < 30; i++) expect(BrokerClient.send(via, BrokerProtocol.clientRequest(AppType.SHORT, Strategy.ROUND_ROBIN), TIMEOUT));
        for (int m = 0; m < o.longShares().length; m++) {
          double share = o.longShares()[m];
          MixSchedule schedule = MixSchedule.poisson(o.requests(), share, o.rate(share), o.seed() + m);
          for (Strategy s : List.of(Strategy.ROUND_ROBIN, Strategy.LEAST_CONNECTIONS)) {
            awaitIdle(broker, workers);
            MixResult r = runMix(via, schedule, s, share);
            out.add(r);
            each.accept(r);
          }
        }
      }
      return out;
    } finally {
      workers.forEach(WorkerServer::close);
    }
  }

  private static void awaitIdle(BrokerServer broker, List<WorkerServer> workers) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      boolean idle = broker.workers().stream().mapToInt(BackendStatus::activeConnections).sum() == 0
          && workers.stream().mapToInt(WorkerServer::openConnections).sum() == 0;
      if (idle) return;
      Thread.sleep(20);
    }
    throw new IllegalStateException("workers still busy after 30 s");
  }

  /** Replays {@code schedule} against the broker with {@code strategy}. */
  public static MixResult runMix(InetSocketAddress broker, MixSchedule schedule, Strategy strategy, double share)
      throws InterruptedException {
    int n = schedule.size();
    long[] latency = new long[n];
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "bench-client-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
      for (int i = 0; i < n; i++) {
        final int k = i;
        final long due = start + schedule.atNanos()[i];
        final AppType type = schedule.types().get(i);
        long wait;
        while ((wait = due - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
        pool.execute(() -> {
          try {
            String reply = BrokerClient.request(broker, type, strategy, TIMEOUT);
            if (!reply.equals(BrokerProtocol.WORKER_REPLY)) errors.incrementAndGet();
          } catch (IOException e) {
            errors.incrementAndGet();
          } finally {
            latency[k] = System.nanoTime() - due;
            done.countDown();
          }
        });
      }
      if (!done.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("requests still running after 5 minutes");
    } finally {
      pool.shutdownNow();
    }
    List<Long> shorts = new ArrayList<>();
    List<Long> longs = new ArrayList<>();
    for (int i = 0; i < n; i++) (schedule.types().get(i) == AppType.LONG ? longs : shorts).add(latency[i]);
    return new MixResult(share, schedule.rate(), strategy, new Latencies(latency),
        new Latencies(shorts.stream().mapToLong(Long::longValue).toArray()),
        new Latencies(longs.stream().mapToLong(Long::longValue).toArray()), errors.get());
  }

  static String overheadTable(OverheadResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append("| path | p50 ms | p95 ms | mean ms |\n| --- | ---: | ---: | ---: |\n");
    sb.append(String.format(Locale.ROOT, "| direct to the worker | %.3f | %.3f | %.3f |%n", r.direct().p50Ms(), r.direct().p95Ms(), r.direct().meanMs()));
    sb.append(String.format(Locale.ROOT, "| through the broker | %.3f | %.3f | %.3f |%n", r.broker().p50Ms(), r.broker().p95Ms(), r.broker().meanMs()));
    sb.append(String.format(Locale.ROOT, "%nbroker overhead: p50 %+.3f ms, p95 %+.3f ms (median per-pair difference %+.3f ms)%n",
        r.p50OverheadMs(), r.p95OverheadMs(), r.medianPairDifferenceMs()));
    return sb.toString();
  }

  static final String MIX_HEADER =
      "| Long % | rate req/s | strategy | mean ms | p50 ms | p95 ms | p99 ms | Short mean ms | Long mean ms | errors |";
  static final String MIX_RULE = "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

  static String mixRow(MixResult r) {
    return String.format(Locale.ROOT, "| %.0f | %.1f | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d |", r.longShare() * 100, r.rate(),
        r.strategy().wireName(), r.all().meanMs(), r.all().p50Ms(), r.all().p95Ms(), r.all().p99Ms(), r.shortOnes().meanMs(),
        r.longOnes().meanMs(), r.errors());
  }

  /** Per mix: least connections vs round robin; then the verdict on both targets. */
  public static String summary(OverheadResult overhead, List<MixResult> mixes) {
    StringBuilder sb = new StringBuilder();
    boolean lcWins = true;
    boolean anyTargetMix = false;
    List<String> details = new ArrayList<>();
    Map<Double, MixResult> rr = new HashMap<>();
    Map<Double, MixResult> lc = new HashMap<>();
    for (MixResult r : mixes) (r.strategy() == Strategy.ROUND_ROBIN ? rr : lc).put(r.longShare(), r);
    for (Double share : rr.keySet().stream().sorted().toList()) {
      MixResult a = rr.get(share);
      MixResult b = lc.get(share);
      if (b == null) continue;
      sb.append(String.format(Locale.ROOT, "Long %.0f %%: least_connections mean %.1f ms vs round_robin %.1f ms (%.2fx), p95 %.1f vs %.1f ms%n",
          share * 100, b.all().meanMs(), a.all().meanMs(), a.all().meanMs() / b.all().meanMs(), b.all().p95Ms(), a.all().p95Ms()));
      if (share >= TARGET_MIN_LONG_SHARE - 1e-9) {
        anyTargetMix = true;
        boolean wins = b.all().meanMs() < a.all().meanMs() && b.errors() == 0;
        lcWins &= wins;
        details.add(String.format(Locale.ROOT, "%.0f %%: %s", share * 100, wins ? "yes" : "NO"));
      }
    }
    boolean overheadOk = overhead != null && overhead.p50OverheadMs() < TARGET_OVERHEAD_P50_MS;
    sb.append(String.format(Locale.ROOT, "TARGETS: least connections beats round robin on mean latency at Long >= 20 %%: %s%s; "
            + "broker overhead p50 < 1 ms: %s%n",
        anyTargetMix ? (lcWins ? "yes" : "NO") : "not measured", details.isEmpty() ? "" : " (" + String.join(", ", details) + ")",
        overhead == null ? "not measured" : String.format(Locale.ROOT, "%s (%.3f ms)", overheadOk ? "yes" : "NO", overhead.p50OverheadMs())));
    return sb.toString();
  }
}
