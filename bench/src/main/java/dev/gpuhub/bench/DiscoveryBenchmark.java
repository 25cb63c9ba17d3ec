package dev.gpuhub.bench;

import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.ServerConfig;
import dev.gpuhub.server.discovery.SelectCommand;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.testkit.LocalPostgres;
import dev.gpuhub.testkit.LocalRedis;
import dev.gpuhub.wire.AgentAuth;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Discovery benchmark (issue 2): heartbeat ingest req/s and select-nodes p50/p99 with 1,000
 * registered nodes, each beside a trivial endpoint ({@code GET /livez}) on the same server in the
 * same run. Load comes from wrk in its own process. {@code --store embedded} (H2 + in-memory TTL)
 * or {@code --store postgres} (real PostgreSQL + Redis, started here on loopback).
 */
public final class DiscoveryBenchmark {
  private DiscoveryBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    String store = opts.getOrDefault("store", "embedded");
    int nodes = Integer.parseInt(opts.getOrDefault("nodes", "1000"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    int connections = Integer.parseInt(opts.getOrDefault("connections", "32"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));
    if (!store.equals("embedded") && !store.equals("postgres")) {
      throw new IllegalArgumentException("--store must be embedded or postgres, got " + store);
    }
    Path dir = Files.createTempDirectory("gpuhub-bench");
    String token = AgentAuth.generateToken();
    Map<String, String> env = new HashMap<>();
    env.put("GPUHUB_AGENT_TOKEN", token);
    env.put("API_PORT", "0");
    env.put("GPUHUB_BIND", "127.0.0.1");
    env.put("GPUHUB_DATA_DIR", dir.resolve("data").toString());
    env.put("REDIS_EXPIRE_SECONDS", "900");
    env.put("GPUHUB_SWEEP_SECONDS", "3600");
    // 0 stores every heartbeat durably; the server's default is one per node per second.
    if (opts.containsKey("metrics-resolution-ms")) env.put("GPUHUB_METRICS_RESOLUTION_MS", opts.get("metrics-resolution-ms"));
    LocalPostgres pg = null;
    LocalRedis redis = null;
    if (store.equals("postgres")) {
      pg = LocalPostgres.start();
      redis = LocalRedis.start();
      env.putAll(pg.storeEnv(pg.database()));
      env.put("GPUHUB_LIVE", "redis");
      env.put("REDIS_HOST", redis.host());
      env.put("REDIS_PORT", Integer.toString(redis.port()));
    }
    StoreConfig storeConfig = StoreConfig.fromEnv(env);
    try (ControlPlane plane = ControlPlane.start(ServerConfig.fromEnv(env), storeConfig)) {
      run(plane, storeConfig, token, dir, nodes, seconds, connections, threads);
    } finally {
      if (pg != null) pg.close();
      if (redis != null) redis.close();
    }
  }

  private static void run(ControlPlane plane, StoreConfig storeConfig, String token, Path dir, int nodes,
                          int seconds, int connections, int threads) throws Exception {
    String url = plane.discoveryUrl();
    List<String> heartbeats = heartbeatBodies(nodes, new Random(7));
    register(url, token, heartbeats);
    Path heartbeatLua = LuaScripts.cyclingPost(dir, "heartbeat", token, heartbeats);
    Path selectLua = LuaScripts.cyclingPost(dir, "select", token,
        List.of("{\"profile_id\":\"single-cpu\",\"user_id\":\"bench-user\"}"));

    System.out.printf(Locale.ROOT, "gpuhub discovery benchmark: %s; %d registered nodes; wrk -t%d -c%d -d%ds; %d cores%n",
        storeConfig.describe(), plane.discovery().liveNodes().size(), threads, connections, seconds,
        Runtime.getRuntime().availableProcessors());
    System.out.println("warming up ...");
    Wrk.run(url + "/livez", threads, connections, Math.max(3, seconds / 2), null);
    Wrk.run(url + "/register-node", threads, connections, Math.max(3, seconds / 2), heartbeatLua);
    Wrk.run(url + "/select-nodes", 1, 1, Math.max(3, seconds / 2), selectLua);
    plane.writer().flush(Duration.ofMinutes(5));
    long writtenBefore = plane.writer().writtenHeartbeats();

    Wrk.Result trivial = Wrk.run(url + "/livez", threads, connections, seconds, null);
    Wrk.Result ingest = Wrk.run(url + "/register-node", threads, connections, seconds, heartbeatLua);
    long drainStart = System.nanoTime();
    plane.writer().flush(Duration.ofMinutes(5));
    double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
    long written = plane.writer().writtenHeartbeats() - writtenBefore;
    Wrk.Result trivialLatency = Wrk.run(url + "/livez", 1, 1, seconds, null);
    Wrk.Result select = Wrk.run(url + "/select-nodes", 1, 1, seconds, selectLua);
    double[] inProcess = inProcessSelect(plane, 20_000);

    System.out.printf(Locale.ROOT, "trivial   GET  /livez          %,10.0f req/s   (baseline, %d connections)%n",
        trivial.requestsPerSecond(), connections);
    double ratio = ingest.requestsPerSecond() / trivial.requestsPerSecond();
    System.out.printf(Locale.ROOT, "heartbeat POST /register-node  %,10.0f req/s   = %.2f x baseline   non-2xx: %d   [target: >= 0.50 x and >= 20,000/s: %s]%n",
        ingest.requestsPerSecond(), ratio, ingest.non2xx(),
        ratio >= 0.5 && ingest.requestsPerSecond() >= 20_000 && ingest.non2xx() == 0 ? "met" : "NOT met");
    System.out.printf(Locale.ROOT, "  durable writer: %,d heartbeats written (%,d sent), queue drained %.2f s after the run, %d failed%n",
        written, ingest.requests(), drainSeconds, plane.writer().failedHeartbeats());
    System.out.printf(Locale.ROOT, "trivial   GET  /livez          p50 %.3f ms   p99 %.3f ms   (baseline, 1 connection)%n",
        trivialLatency.p50Ms(), trivialLatency.p99Ms());
    System.out.printf(Locale.ROOT, "select    POST /select-nodes   p50 %.3f ms   p99 %.3f ms   = %.1f x / %.1f x baseline   %,.0f req/s   non-2xx: %d   [target: p99 < 5 ms: %s]%n",
        select.p50Ms(), select.p99Ms(), select.p50Ms() / trivialLatency.p50Ms(), select.p99Ms() / trivialLatency.p99Ms(),
        select.requestsPerSecond(), select.non2xx(), select.p99Ms() < 5 && select.non2xx() == 0 ? "met" : "NOT met");
    System.out.printf(Locale.ROOT, "select    in-process (20,000)  p50 %.3f ms   p99 %.3f ms   (filters + scoring + round robin over %d nodes + record)%n",
        inProcess[0], inProcess[1], plane.discovery().liveNodes().size());
  }

  private static List<String> heartbeatBodies(int nodes, Random random) {
    List<String> bodies = new ArrayList<>(nodes);
    for (int i = 0; i < nodes; i++) {
      int gpus = random.nextInt(5) == 0 ? 1 + random.nextInt(8) : 0;
      StringBuilder gpuInfo = new StringBuilder("[");
      for (int g = 0; g < gpus; g++) {
        if (g > 0) gpuInfo.append(',');
        gpuInfo.append(String.format(Locale.ROOT, "{\"name\":\"NVIDIA A100-SXM4-40GB\",\"index\":%d,"
            + "\"uuid\":\"GPU-%08x-%04x\",\"memory_total_mb\":40960,\"memory_used_mb\":%d,\"memory_util_percent\":%.2f,"
            + "\"utilization_gpu_percent\":%d,\"temperature_gpu\":%d}", g, i, g, random.nextInt(40960),
            random.nextDouble() * 100, random.nextInt(101), 30 + random.nextInt(50)));
      }
      gpuInfo.append(']');
      bodies.add(String.format(Locale.ROOT, "{\"hostname\":\"bench-%04d\",\"ip\":\"127.0.%d.%d\",\"cpu_cores\":%d,"
          + "\"ram_gb\":%.2f,\"cpu_usage_percent\":%.1f,\"memory_usage_percent\":%.1f,\"disk_usage_percent\":%.1f,"
          + "\"has_gpu\":%s,\"gpu_info\":%s,\"max_containers\":10,\"is_active\":true,\"total_containers\":%d,"
          + "\"active_jupyterlab\":%d,\"active_ray\":0,\"last_updated\":\"2026-11-22T10:00:00Z\"}",
          i, i / 250, i % 250 + 1, 8 << random.nextInt(3), 32.0 * (1 + random.nextInt(8)), random.nextDouble() * 70,
          random.nextDouble() * 80, random.nextDouble() * 90, gpus > 0, gpuInfo, random.nextInt(9), random.nextInt(5)));
    }
    return bodies;
  }

  private static void register(String url, String token, List<String> bodies) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String body : bodies) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/register-node"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new IllegalStateException("registration failed: " + r.statusCode() + " " + r.body());
    }
  }

  private static double[] inProcessSelect(ControlPlane plane, int calls) {
    SelectCommand command = new SelectCommand("single-cpu", "bench-in-process", null, null, null, null);
    for (int i = 0; i < 2_000; i++) plane.discovery().select(command);
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      plane.discovery().select(command);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return new double[] {nanos[calls / 2] / 1e6, nanos[(int) (calls * 0.99)] / 1e6};
  }

  private static Map<String, String> parse(String[] args) {
    return Options.parse(args, "DiscoveryBenchmark [--store embedded|postgres] [--nodes 1000] "
            + "[--seconds 10] [--connections 32] [--threads 1] [--metrics-resolution-ms 1000]");
  }
}
