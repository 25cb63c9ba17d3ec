package dev.gpuhub.bench;

import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.ServerConfig;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.tls.Pki;
import dev.gpuhub.wire.tls.TlsIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The cost of the cluster's mutual TLS on heartbeat ingest, in one run on one control plane:
 * {@code POST /register-node} by N simulated nodes, each its own client and connection, over plain
 * HTTP with the shared token (loopback, the legacy path and the baseline) and over the cluster
 * port with each node's own certificate. Both with kept-alive connections (what agents do) and with
 * a new connection per heartbeat (a handshake every time, with the JDK's session resumption: an
 * agent reconnecting). Same Java client for
 * both, so the difference is TLS and the certificate check.
 */
public final class HeartbeatTlsBenchmark {
  private HeartbeatTlsBenchmark() {}

  private record Run(double perSecond, double p50Ms, double p99Ms, long errors) {}

  public static void main(String[] args) throws Exception {
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    int nodes = Integer.parseInt(opts.getOrDefault("nodes", "16"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    Path dir = Files.createTempDirectory("gpuhub-bench-tls");
    String token = AgentAuth.generateToken();
    Map<String, String> env = new HashMap<>();
    env.put("GPUHUB_AGENT_TOKEN", token);
    env.put("API_PORT", "0");
    env.put("HUB_PORT", "-1");
    env.put("GPUHUB_BIND", "127.0.0.1");
    env.put("GPUHUB_DATA_DIR", dir.resolve("data").toString());
    env.put("GPUHUB_SWEEP_SECONDS", "3600");
    try (ControlPlane plane = ControlPlane.start(ServerConfig.fromEnv(env), StoreConfig.fromEnv(env))) {
      String plain = plane.discoveryUrl() + "/register-node";
      String tls = "https://127.0.0.1:" + plane.clusterPort() + "/register-node";
      List<TlsIdentity> identities = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        KeyPair keys = Pki.newKeyPair();
        identities.add(new TlsIdentity(keys.getPrivate(),
            plane.authority().join(host(i), "127.0.0.1", keys.getPublic()), plane.authority().ca()));
      }
      System.out.printf(Locale.ROOT, "gpuhub cluster TLS benchmark: %d nodes, each its own client; %d s per row; %d cores%n",
          nodes, seconds, Runtime.getRuntime().availableProcessors());
      load(plain, token, null, nodes, Math.max(2, seconds / 2), false); // warm up both paths
      load(tls, null, identities, nodes, Math.max(2, seconds / 2), false);
      Run plainKept = load(plain, token, null, nodes, seconds, false);
      Run tlsKept = load(tls, null, identities, nodes, seconds, false);
      Run plainFresh = load(plain, token, null, nodes, seconds, true);
      Run tlsFresh = load(tls, null, identities, nodes, seconds, true);
      print("plain HTTP + token, kept-alive ", plainKept, null);
      print("mutual TLS, kept-alive         ", tlsKept, plainKept);
      print("plain HTTP + token, new conn.  ", plainFresh, null);
      print("mutual TLS, new conn. (handshake)", tlsFresh, plainFresh);
    }
  }

  private static void print(String label, Run r, Run baseline) {
    System.out.printf(Locale.ROOT, "%-33s %,9.0f heartbeats/s   p50 %.3f ms   p99 %.3f ms   errors %d%s%n", label,
        r.perSecond(), r.p50Ms(), r.p99Ms(), r.errors(), baseline == null ? "   (baseline)"
            : String.format(Locale.ROOT, "   = %.2f x baseline throughput, p50 %.2f x", r.perSecond() / baseline.perSecond(),
                r.p50Ms() / baseline.p50Ms()));
  }

  private static String host(int i) {
    return String.format(Locale.ROOT, "tls-bench-%03d", i);
  }

  /** {@code nodes} threads, each one node's client, posting its heartbeat back to back for {@code seconds}. */
  private static Run load(String url, String token, List<TlsIdentity> identities, int nodes, int seconds, boolean fresh)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(nodes);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<long[]>> results = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      int node = i;
      results.add(pool.submit(() -> {
        List<Long> nanos = new ArrayList<>();
        long errors = 0;
        HttpClient client = null;
        while (System.nanoTime() < end) {
          if (client == null) client = client(identities == null ? null : identities.get(node));
          HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(report(host(node))));
          if (token != null) b.header("Authorization", "Bearer " + token);
          if (fresh) b.header("Connection", "close"); // the server closes; the next beat connects (and shakes hands) anew
          long start = System.nanoTime();
          try {
            HttpResponse<Void> r = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) errors++;
          } catch (java.io.IOException e) {
            errors++;
          }
          nanos.add(System.nanoTime() - start);
        }
        long[] out = new long[nanos.size() + 1];
        out[0] = errors;
        for (int k = 0; k < nanos.size(); k++) out[k + 1] = nanos.get(k);
        return out;
      }));
    }
    List<Long> all = new ArrayList<>();
    long errors = 0;
    for (Future<long[]> f : results) {
      long[] r = f.get();
      errors += r[0];
      for (int k = 1; k < r.length; k++) all.add(r[k]);
    }
    pool.shutdown();
    long[] sorted = all.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return new Run(sorted.length / (double) seconds, sorted[sorted.length / 2] / 1e6,
        sorted[(int) (sorted.length * 0.99)] / 1e6, errors);
  }

  private static HttpClient client(TlsIdentity identity) {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
    return (identity == null ? b : b.sslContext(identity.sslContext())).build();
  }

  private static String report(String hostname) {
    return "{\"hostname\":\"" + hostname + "\",\"ip\":\"127.0.0.1\",\"cpu_cores\":16,\"ram_gb\":64.0,"
        + "\"cpu_usage_percent\":12.5,\"memory_usage_percent\":40.0,\"disk_usage_percent\":30.0,\"has_gpu\":false,"
        + "\"gpu_info\":[],\"max_containers\":10,\"is_active\":true,\"total_containers\":1,\"active_jupyterlab\":1,"
        + "\"active_ray\":0,\"last_updated\":\"" + Instant.now() + "\"}";
  }
}
