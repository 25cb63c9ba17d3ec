package dev.gpuhub.bench;

import dev.gpuhub.server.hub.spawn.SpawnOptions;
import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.hub.auth.ApiTokens;
import dev.gpuhub.server.hub.auth.HubUser;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.Spawner;
import dev.gpuhub.server.hub.spawn.SpawnerConfig;
import dev.gpuhub.testkit.LocalDockerd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Proxy benchmark (issue 3): requests/s and p50/p99 of {@code GET /user/<name>/api/status} on a
 * real Jupyter server, through the hub's proxy and straight to the server, in the same run with
 * the same wrk settings. A real installation in this process: private dockerd with the product's
 * notebook image, control plane + hub (embedded store), one agent; one user's server spawned
 * through the spawner. Target: proxy throughput >= 80 % of direct.
 *
 * <p>After a warm-up of each path ({@code --warmup} seconds; the JVM needs it to compile the proxy
 * path), each measurement runs direct, proxy, proxy, direct (ABBA, so drift over the run cancels) and
 * reports the mean of the two runs per path. Alongside wrk's numbers it reports CPU time per
 * request of the hub JVM, the notebook server's processes and everything else on the machine (wrk,
 * dockerd, any other work) from /proc, since they all share this machine's cores.
 */
public final class ProxyBenchmark {
  private static final String USER = "bench";
  private static final double TARGET = 0.80;

  /** Trust for HTTPS servers: the cluster CA of the run. */
  private static javax.net.ssl.SSLContext tls;
  /** Whether to print each measured wrk run's own output (--verbose true). */
  private static boolean verbose;

  private ProxyBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    int connections = Integer.parseInt(opts.getOrDefault("connections", "16"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));
    String profile = opts.getOrDefault("profile", "single-cpu");
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "20"));
    verbose = Boolean.parseBoolean(opts.getOrDefault("verbose", "false"));
    String servers = opts.getOrDefault("servers", "https");
    if (!servers.equals("https") && !servers.equals("http")) throw new IllegalArgumentException("--servers is https or http");
    int sequential = Integer.parseInt(opts.getOrDefault("sequential", "10000"));
    Path dir = Files.createTempDirectory("gpuhub-proxy-bench");
    // a command template: the proxy adds the server's token, so wrk needs no OAuth cookie
    try (BenchInstallation install = new BenchInstallation(dir,
        servers.equals("http") ? SpawnerConfig.PLAIN_HTTP_COMMAND : SpawnerConfig.NOTEBOOK_COMMAND)) {
      run(install.plane, install.dockerd, dir, profile, warmup, seconds, connections, threads, sequential);
    } finally {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Leftovers in the temp directory are harmless.
    }
  }

  private static void run(ControlPlane plane, LocalDockerd dockerd, Path dir, String profile, int warmup,
                          int seconds, int connections, int threads, int sequential) throws Exception {
    HubUser user = plane.hub().auth().accounts().create(USER, "bench-password-1", false);
    String apiToken = plane.hub().auth().accounts().createToken(user, "bench", null).token();
    Spawner spawner = plane.hub().spawner();
    long spawnStart = System.nanoTime();
    spawner.spawn(USER, new SpawnOptions(profile, null, null));
    try {
      ActiveServer.Snapshot server = BenchInstallation.awaitRunning(spawner, USER, Duration.ofSeconds(150));
      double spawnSeconds = (System.nanoTime() - spawnStart) / 1e9;
      String proxyUrl = plane.hub().url() + "/user/" + USER + "/api/status";
      tls = dev.gpuhub.wire.tls.TlsIdentity.trustingOnly(plane.authority().ca());
      String directUrl = spawner.tls().httpScheme() + "://" + server.nodeIp() + ":" + server.port() + "/user/" + USER + "/api/status";
      Path proxyLua = LuaScripts.getWithHeader(dir, "proxy", "Authorization", "token " + apiToken);
      Path directLua = LuaScripts.getWithHeader(dir, "direct", "Authorization", "token " + server.token());
      String proxyBody = check(proxyUrl, apiToken);
      String directBody = check(directUrl, server.token());
      CpuMeter cpu = new CpuMeter(serverPid(dockerd, server.containerId()));

      System.out.printf(Locale.ROOT, "gpuhub proxy benchmark: GET /user/%s/api/status on a real Jupyter server "
              + "(image %s, profile %s, started in %.1f s)%n", USER, server.image(), profile, spawnSeconds);
      System.out.printf(Locale.ROOT, "  proxy  %s  (Authorization: token <hub API token>)%n", proxyUrl);
      System.out.printf(Locale.ROOT, "  direct %s  (Authorization: token <server token>)%n", directUrl);
      System.out.printf(Locale.ROOT, "  answers: proxy %s | direct %s%n", proxyBody, directBody);
      System.out.printf(Locale.ROOT, "  wrk -t%d -c%d -d%ds and -t1 -c1 -d%ds, each as direct, proxy, proxy, direct; "
              + "%d cores, load average %s; notebook server pid %d (%s)%n", threads, connections, seconds, seconds,
          Runtime.getRuntime().availableProcessors(), CpuMeter.loadAverage(), cpu.serverPid, cpu.serverCommand());
      // The JVM compiles the proxy path for a good while under load (a few seconds of C2 time on two
      // cores): a short warm-up leaves that in the first proxy run. The Python server has no JIT.
      System.out.printf(Locale.ROOT, "warming up (%d s each) ...%n", warmup);
      Wrk.run(directUrl, threads, connections, warmup, directLua);
      Wrk.run(proxyUrl, threads, connections, warmup, proxyLua);

      Measured[] load = abba(cpu, directUrl, directLua, proxyUrl, proxyLua, threads, connections, seconds);
      Measured[] single = abba(cpu, directUrl, directLua, proxyUrl, proxyLua, 1, 1, seconds);
      SequentialGet.run(directUrl, "token " + server.token(), 2_000, tls);
      SequentialGet.run(proxyUrl, "token " + apiToken, 2_000);
      List<SequentialGet.Result> seqDirect = new ArrayList<>();
      List<SequentialGet.Result> seqProxy = new ArrayList<>();
      seqDirect.add(SequentialGet.run(directUrl, "token " + server.token(), sequential, tls));
      seqProxy.add(SequentialGet.run(proxyUrl, "token " + apiToken, sequential));
      seqProxy.add(SequentialGet.run(proxyUrl, "token " + apiToken, sequential));
      seqDirect.add(SequentialGet.run(directUrl, "token " + server.token(), sequential, tls));
      double[] lookup = inProcessTokenLookup(plane, apiToken, 20_000);
      report(load, single, connections);
      System.out.printf(Locale.ROOT, "1 connection, plain socket client, each request timed as it is (%,d sequential "
          + "GETs per run; direct, proxy, proxy, direct):%n", sequential);
      sequentialLine("direct", seqDirect);
      sequentialLine("proxy ", seqProxy);
      System.out.printf(Locale.ROOT, "  proxy adds p50 %+.3f ms, p99 %+.3f ms%n",
          seqProxy.stream().mapToDouble(SequentialGet.Result::p50Ms).average().orElse(0)
              - seqDirect.stream().mapToDouble(SequentialGet.Result::p50Ms).average().orElse(0),
          seqProxy.stream().mapToDouble(SequentialGet.Result::p99Ms).average().orElse(0)
              - seqDirect.stream().mapToDouble(SequentialGet.Result::p99Ms).average().orElse(0));
      System.out.println("  (wrk's percentiles include its coordinated-omission correction: one stall of S ms on the "
          + "machine counts as about S / mean-interval slow requests, so rare stalls set wrk's p99)");
      System.out.printf(Locale.ROOT, "token lookup in-process (20,000): p50 %.3f ms   p99 %.3f ms   (SHA-256 + store query "
          + "the proxy runs on every request before forwarding)%n", lookup[0], lookup[1]);
    } finally {
      spawner.stop(USER, "benchmark done");
    }
  }

  /** Direct, proxy, proxy, direct; returns {direct, proxy}, each the mean of its two runs. */
  private static Measured[] abba(CpuMeter cpu, String directUrl, Path directLua, String proxyUrl, Path proxyLua,
                                 int threads, int connections, int seconds) throws Exception {
    List<Measured> direct = new ArrayList<>();
    List<Measured> proxy = new ArrayList<>();
    direct.add(measure(cpu, directUrl, directLua, threads, connections, seconds));
    proxy.add(measure(cpu, proxyUrl, proxyLua, threads, connections, seconds));
    proxy.add(measure(cpu, proxyUrl, proxyLua, threads, connections, seconds));
    direct.add(measure(cpu, directUrl, directLua, threads, connections, seconds));
    return new Measured[] {Measured.mean(direct), Measured.mean(proxy)};
  }

  private static Measured measure(CpuMeter cpu, String url, Path lua, int threads, int connections, int seconds)
      throws Exception {
    CpuMeter.Sample before = cpu.sample();
    Wrk.Result r = Wrk.run(url, threads, connections, seconds, lua);
    CpuMeter.Sample after = cpu.sample();
    if (verbose) System.out.print(r.raw().indent(4));
    return Measured.of(r, before, after);
  }

  private static void report(Measured[] load, Measured[] single, int connections) {
    Measured d = load[0];
    Measured p = load[1];
    double ratio = p.rps / d.rps;
    boolean clean = d.non2xx + p.non2xx + single[0].non2xx + single[1].non2xx == 0;
    System.out.printf(Locale.ROOT, "%d connections (mean of 2 runs each; runs: direct %s, proxy %s):%n", connections,
        d.runs, p.runs);
    line("direct", d);
    line("proxy ", p);
    System.out.printf(Locale.ROOT, "  proxy / direct = %.2f   non-2xx: %d   [target: >= %.2f: %s]%n", ratio,
        d.non2xx + p.non2xx, TARGET, ratio >= TARGET && clean ? "met" : "NOT met");
    System.out.printf(Locale.ROOT, "1 connection (latency; runs: direct %s, proxy %s):%n", single[0].runs, single[1].runs);
    line("direct", single[0]);
    line("proxy ", single[1]);
    System.out.printf(Locale.ROOT, "  proxy / direct = %.2f (one request at a time: this ratio is the added latency)%n",
        single[1].rps / single[0].rps);
  }

  private static void sequentialLine(String name, List<SequentialGet.Result> runs) {
    System.out.printf(Locale.ROOT, "  %s p50 %7.3f ms   p99 %7.3f ms   max %8.3f ms   (runs: %s)%n", name,
        runs.stream().mapToDouble(SequentialGet.Result::p50Ms).average().orElse(0),
        runs.stream().mapToDouble(SequentialGet.Result::p99Ms).average().orElse(0),
        runs.stream().mapToDouble(SequentialGet.Result::maxMs).max().orElse(0),
        String.join(" / ", runs.stream().map(r -> String.format(Locale.ROOT, "%.3f/%.3f", r.p50Ms(), r.p99Ms())).toList()));
  }

  private static void line(String name, Measured m) {
    System.out.printf(Locale.ROOT, "  %s %,8.0f req/s   p50 %7.3f ms   p99 %7.3f ms   non-2xx %d   "
            + "CPU per request: hub JVM %.0f us (%.0f %% kernel), notebook %.0f us (%.0f %% kernel), "
            + "rest of machine (wrk, ...) %.0f us; machine busy %.0f %%%n",
        name, m.rps, m.p50, m.p99, m.non2xx, m.hubUs, m.hubKernelPercent, m.serverUs, m.serverKernelPercent, m.otherUs,
        m.busyPercent);
  }

  /** The means of wrk runs plus CPU time per request from /proc. */
  private record Measured(double rps, double p50, double p99, long non2xx, double hubUs, double hubKernelPercent,
                          double serverUs, double serverKernelPercent, double otherUs, double busyPercent, String runs) {
    static Measured of(Wrk.Result r, CpuMeter.Sample before, CpuMeter.Sample after) {
      double n = Math.max(1, r.requests());
      double hub = after.self().ms() - before.self().ms();
      double hubKernel = after.self().kernelMs() - before.self().kernelMs();
      double server = after.server().ms() - before.server().ms();
      double serverKernel = after.server().kernelMs() - before.server().kernelMs();
      double busy = after.busyMs() - before.busyMs();
      double all = after.totalMs() - before.totalMs();
      return new Measured(r.requestsPerSecond(), r.p50Ms(), r.p99Ms(), r.non2xx(), hub * 1000 / n,
          hub > 0 ? 100 * hubKernel / hub : 0, server * 1000 / n, server > 0 ? 100 * serverKernel / server : 0,
          Math.max(0, busy - hub - server) * 1000 / n, all > 0 ? 100 * busy / all : 0,
          String.format(Locale.ROOT, "%.0f", r.requestsPerSecond()));
    }

    static Measured mean(List<Measured> ms) {
      int k = ms.size();
      return new Measured(ms.stream().mapToDouble(Measured::rps).sum() / k,
          ms.stream().mapToDouble(Measured::p50).sum() / k, ms.stream().mapToDouble(Measured::p99).sum() / k,
          ms.stream().mapToLong(Measured::non2xx).sum(), ms.stream().mapToDouble(Measured::hubUs).sum() / k,
          ms.stream().mapToDouble(Measured::hubKernelPercent).sum() / k, ms.stream().mapToDouble(Measured::serverUs).sum() / k,
          ms.stream().mapToDouble(Measured::serverKernelPercent).sum() / k, ms.stream().mapToDouble(Measured::otherUs).sum() / k,
          ms.stream().mapToDouble(Measured::busyPercent).sum() / k,
          String.join("/", ms.stream().map(Measured::runs).toList()));
    }
  }

  /**
   * CPU time from /proc, in milliseconds: this JVM (hub, proxy, agent), the notebook server's
   * process tree, and the whole machine (busy and total over all cores).
   */
  private static final class CpuMeter {
    /** CPU time of a process (tree): all of it and the part spent in the kernel. */
    record Cpu(double ms, double kernelMs) {
      Cpu plus(Cpu o) {
        return new Cpu(ms + o.ms, kernelMs + o.kernelMs);
      }
    }

    record Sample(Cpu self, Cpu server, double busyMs, double totalMs) {}

    private final long serverPid;
    private final double msPerTick;

    CpuMeter(long serverPid) throws IOException, InterruptedException {
      this.serverPid = serverPid;
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      p.waitFor();
      double hz;
      try {
        hz = Double.parseDouble(out);
      } catch (NumberFormatException e) {
        hz = 100;
      }
      this.msPerTick = 1000 / hz;
    }

    /** The 1-minute load average: other work on the machine competes with the three processes measured. */
    static String loadAverage() {
      String[] f = read(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f.length > 0 && !f[0].isEmpty() ? f[0] : "?";
    }

    String serverCommand() {
      return ProcessHandle.of(serverPid).flatMap(h -> h.info().commandLine()).map(c -> c.length() > 60
          ? c.substring(0, 60) + "..." : c).orElse("?");
    }

    Sample sample() {
      Cpu self = process(ProcessHandle.current().pid());
      Cpu server = process(serverPid);
      for (ProcessHandle h : ProcessHandle.of(serverPid).map(ph -> ph.descendants().toList()).orElse(List.of())) {
        server = server.plus(process(h.pid()));
      }
      String[] cpu = read(Path.of("/proc/stat")).lines().findFirst().orElse("cpu").trim().split("\\s+");
      double total = 0;
      double idle = 0;
      for (int i = 1; i < cpu.length && i <= 8; i++) {
        double v = Double.parseDouble(cpu[i]);
        total += v;
        if (i == 4 || i == 5) idle += v;   // idle, iowait
      }
      return new Sample(self, server, (total - idle) * msPerTick, total * msPerTick);
    }

    /** utime + stime and stime of one process (all its threads); zero when it is gone. */
    private Cpu process(long pid) {
      String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
      if (stat.isEmpty()) return new Cpu(0, 0);
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      double user = Double.parseDouble(f[11]);   // fields 14 (utime) and 15 (stime) of proc(5)
      double kernel = Double.parseDouble(f[12]);
      return new Cpu((user + kernel) * msPerTick, kernel * msPerTick);
    }

    private static String read(Path path) {
      try {
        return Files.readString(path);
      } catch (IOException e) {
        return "";
      }
    }
  }

  private static double[] inProcessTokenLookup(ControlPlane plane, String token, int calls) {
    for (int i = 0; i < 2_000; i++) lookup(plane, token);
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      lookup(plane, token);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return new double[] {nanos[calls / 2] / 1e6, nanos[(int) (calls * 0.99)] / 1e6};
  }

  private static void lookup(ControlPlane plane, String token) {
    if (plane.stores().hub().findByTokenHash(ApiTokens.sha256Hex(token), Instant.now()).isEmpty()) {
      throw new IllegalStateException("the benchmark's API token is unknown to the store");
    }
  }

  private static long serverPid(LocalDockerd dockerd, String containerId) {
    return Long.parseLong(dockerd.docker("inspect", "--format", "{{.State.Pid}}", containerId).strip());
  }

  /** One GET with the token; the body, which must come with 200. */
  private static String check(String url, String token) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newBuilder().sslContext(tls).build().send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "token " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
    return r.body().strip();
  }

  private static Map<String, String> parse(String[] args) {
    return Options.parse(args, "ProxyBenchmark [--seconds 10] [--warmup 20] [--connections 16] "
            + "[--threads 1] [--profile single-cpu] [--sequential 10000] [--verbose false] [--servers https|http]");
  }
}
