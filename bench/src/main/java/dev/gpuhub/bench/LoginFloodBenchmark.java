package dev.gpuhub.bench;

import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.ServerConfig;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.testkit.FreePorts;
import dev.gpuhub.wire.AgentAuth;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A flood of logins and sign-ups against a hub with a small heap: {@code --logins} password logins
 * (wrong passwords for an existing user and for names that do not exist) and {@code --signups}
 * sign-ups, all sent at once, while another user asks {@code GET /hub/api/users/<me>} every 20 ms.
 * The hub runs in a child JVM with {@code -Xmx<heap>m -XX:+ExitOnOutOfMemoryError}, as
 * {@code ./gpuhub} starts it. Prints the answers by status, the other user's p50/p99 during the
 * flood beside the same requests alone before it (the baseline, same run), the child's peak
 * resident memory, and whether the hub still works afterwards.
 */
public final class LoginFloodBenchmark {
  private LoginFloodBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = Options.parse(args, "LoginFloodBenchmark [--logins 200] [--signups 200] [--heap-mb 384]");
    int logins = Integer.parseInt(opts.getOrDefault("logins", "200"));
    int signups = Integer.parseInt(opts.getOrDefault("signups", "200"));
    int heapMb = Integer.parseInt(opts.getOrDefault("heap-mb", "384"));
    Path data = Files.createTempDirectory("gpuhub-login-flood");
    int hubPort = FreePorts.pick();
    ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heapMb + "m", "-XX:+ExitOnOutOfMemoryError", "-cp", ownJar(), Hub.class.getName())
        .redirectErrorStream(true);
    child.environment().put("GPUHUB_AGENT_TOKEN", AgentAuth.generateToken());
    child.environment().put("API_PORT", Integer.toString(FreePorts.pick()));
    child.environment().put("GPUHUB_CLUSTER_PORT", Integer.toString(FreePorts.pick()));
    child.environment().put("HUB_PORT", Integer.toString(hubPort));
    child.environment().put("GPUHUB_BIND", "127.0.0.1");
    child.environment().put("GPUHUB_DATA_DIR", data.toString());
    Process hub = child.start();
    awaitReady(hub);
    String base = "http://127.0.0.1:" + hubPort;
    try {
      run(base, hub, logins, signups, heapMb);
    } finally {
      hub.destroy();
      hub.waitFor();
    }
  }

  private static void run(String base, Process hub, int logins, int signups, int heapMb) throws Exception {
    HubBrowser me = new HubBrowser(base);
    require(me.signUp("me", "my-password-1"), 302, "sign-up of the measuring user");
    require(new HubBrowser(base).signUp("victim", "victim-password-1"), 302, "sign-up of the attacked user");
    String token = me.token("me");
    HttpClient api = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<Long> alone = measure(api, base, token, 200, null);

    HubBrowser flood = new HubBrowser(base);
    String xsrf = flood.xsrf();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(64);
    HttpClient attackers = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
        .followRedirects(HttpClient.Redirect.NEVER).executor(pool).build();
    Map<Integer, Integer> answers = new ConcurrentHashMap<>();
    Map<String, Integer> errors = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < logins + signups; i++) {
      boolean login = i < 2 * Math.min(logins, signups) ? i % 2 == 0 : logins > signups; // interleaved
      String user = login ? (i % 4 == 0 ? "victim" : "nobody" + i) : "flood" + i;
      String form = "username=" + user + "&password=wrong-password-" + i
          + (login ? "" : "&password_confirmation=wrong-password-" + i) + "&_xsrf=" + enc(xsrf);
      HttpRequest r = HttpRequest.newBuilder(URI.create(base + (login ? "/hub/login" : "/hub/signup")))
          .timeout(Duration.ofSeconds(180)).header("Cookie", "_xsrf=" + xsrf)
          .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build();
      sent.add(attackers.sendAsync(r, HttpResponse.BodyHandlers.discarding())
          .handle((resp, error) -> {
            answers.merge(error != null ? -1 : resp.statusCode(), 1, Integer::sum);
            if (error != null) errors.merge(rootCause(error), 1, Integer::sum);
            return null;
          }));
    }
    AtomicBoolean flooding = new AtomicBoolean(true);
    CompletableFuture<List<Long>> during = CompletableFuture.supplyAsync(() -> measure(api, base, token, Integer.MAX_VALUE, flooding));
    long peakRss = 0;
    CompletableFuture<Void> all = CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    while (!all.isDone()) {
      peakRss = Math.max(peakRss, rssKb(hub.pid()));
      Thread.sleep(50);
    }
    double floodSeconds = (System.nanoTime() - t0) / 1e9;
    flooding.set(false);
    List<Long> underFlood = during.get();
    peakRss = Math.max(peakRss, rssKb(hub.pid()));

    boolean alive = hub.isAlive();
    // from another address: this one has used its attempts in the flood, as an attacker's would
    int loginAfter = alive ? loginFrom("127.0.0.2", hubPort(base), "me", "my-password-1") : -1;
    int apiAfter = alive ? api.send(HttpRequest.newBuilder(URI.create(base + "/hub/api/users/me"))
        .header("Authorization", "token " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode() : -1;

    System.out.printf("login flood: %d logins + %d sign-ups at once against a hub with -Xmx%dm, done in %.1f s%n",
        logins, signups, heapMb, floodSeconds);
    System.out.println("  answers by status (-1: no answer): " + new TreeMap<>(answers)
        + (errors.isEmpty() ? "" : "; no answer because: " + new TreeMap<>(errors)));
    System.out.printf("  another user's GET /hub/api/users/me: alone p50 %.1f ms p99 %.1f ms (%d requests, baseline);"
        + " during the flood p50 %.1f ms p99 %.1f ms (%d requests); p99 ratio %.1fx%n",
        pct(alone, 50), pct(alone, 99), alone.size(), pct(underFlood, 50), pct(underFlood, 99), underFlood.size(),
        pct(underFlood, 99) / Math.max(0.001, pct(alone, 99)));
    System.out.printf("  hub process peak resident memory %.0f MB (heap limit %d MB)%n", peakRss / 1024.0, heapMb);
    System.out.println("  afterwards: alive " + alive + ", login from another address " + loginAfter
        + ", GET /hub/api/users/me " + apiAfter);
    pool.shutdownNow();
  }

  /** Latencies (µs) of sequential GETs: {@code count} of them, or while {@code going} holds. */
  private static List<Long> measure(HttpClient api, String base, String token, int count, AtomicBoolean going) {
    List<Long> out = new ArrayList<>();
    HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/hub/api/users/me")).timeout(Duration.ofSeconds(60))
        .header("Authorization", "token " + token).build();
    for (int i = 0; i < count && (going == null || going.get()); i++) {
      long t = System.nanoTime();
      try {
        HttpResponse<Void> resp = api.send(r, HttpResponse.BodyHandlers.discarding());
        if (resp.statusCode() != 200) throw new IllegalStateException("GET /hub/api/users/me answered " + resp.statusCode());
        out.add((System.nanoTime() - t) / 1_000);
        if (going != null) Thread.sleep(20);
      } catch (Exception e) {
        out.add((System.nanoTime() - t) / 1_000 + 60_000_000L); // an error counts as a very slow answer
      }
    }
    return out;
  }

  private static String rootCause(Throwable t) {
    while (t.getCause() != null) t = t.getCause();
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static int hubPort(String base) {
    return URI.create(base).getPort();
  }

  /** A form login over a socket bound to {@code source}: the status of the POST. */
  private static int loginFrom(String source, int port, String user, String password) throws Exception {
    String xsrf = null;
    try (java.net.Socket s = socket(source, port)) {
      s.getOutputStream().write(("GET /hub/login HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      for (String line : new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\r\n")) {
        if (line.toLowerCase().startsWith("set-cookie: _xsrf=")) xsrf = line.substring(18, line.indexOf(';'));
      }
    }
    if (xsrf == null) return -1;
    String form = "username=" + user + "&password=" + password + "&_xsrf=" + enc(xsrf);
    try (java.net.Socket s = socket(source, port)) {
      s.getOutputStream().write(("POST /hub/login HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n"
          + "Cookie: _xsrf=" + xsrf + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
          + form.length() + "\r\n\r\n" + form).getBytes(StandardCharsets.UTF_8));
      String status = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\r\n")[0];
      return Integer.parseInt(status.split(" ")[1]);
    }
  }

  private static java.net.Socket socket(String source, int port) throws Exception {
    java.net.Socket s = new java.net.Socket();
    s.bind(new java.net.InetSocketAddress(source, 0));
    s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
    s.setSoTimeout(30_000);
    return s;
  }

  private static double pct(List<Long> micros, int p) {
    if (micros.isEmpty()) return Double.NaN;
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1000.0;
  }

  private static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (Exception e) {
      // the process ended
    }
    return 0;
  }

  private static void awaitReady(Process hub) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.equals(Hub.READY)) {
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) { /* the hub's log, not shown */ }
          } catch (Exception ignored) {
            // the hub ended
          }
        });
        drain.setDaemon(true);
        drain.start();
        return;
      }
    }
    throw new IllegalStateException("the hub ended before it was ready");
  }

  private static String ownJar() throws Exception {
    return Path.of(LoginFloodBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  private static void require(int status, int expected, String what) {
    if (status != expected) throw new IllegalStateException(what + " answered " + status + ", expected " + expected);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The hub alone, in the child JVM: prints {@link #READY} once it answers. */
  public static final class Hub {
    static final String READY = "login-flood-hub-ready";

    private Hub() {}

    public static void main(String[] args) throws Exception {
      ControlPlane plane = ControlPlane.start(ServerConfig.fromEnv(System.getenv()), StoreConfig.fromEnv(System.getenv()));
      System.out.println(READY);
      System.out.flush();
      Runtime.getRuntime().addShutdownHook(new Thread(plane::close));
      Thread.currentThread().join();
    }
  }
}
