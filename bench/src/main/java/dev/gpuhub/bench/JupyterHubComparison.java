package dev.gpuhub.bench;

import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.hub.auth.ApiTokens;
import dev.gpuhub.server.hub.auth.HubUser;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.SpawnOptions;
import dev.gpuhub.server.hub.spawn.SpawnerConfig;
import dev.gpuhub.testkit.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * gpuhub beside JupyterHub on the same machine in one run (issue 16's comparison): the same Jupyter
 * server (the product's notebook image, serving plain HTTP so every proxy reaches it the same way)
 * reached directly, through configurable-http-proxy (JupyterHub's proxy, from the npm registry) and
 * through gpuhub's proxy, for a small answer ({@code api/status}) and a 10 MB download, at 1 and 16
 * connections; then the hub API, {@code GET /hub/api/users/<name>} with a token, JupyterHub 3.0
 * (Debian's package) against gpuhub's hub; kernel message round trips over a WebSocket through each
 * proxy; form-login throughput, JupyterHub's PAM authenticator against gpuhub's accounts. Every row is measured in the order A B C C B A and
 * reported as the mean of the two runs per system, so drift over the run cancels. With {@code --haproxy}
 * and {@code --socat}, the proxy rows also measure two yardsticks written in C ({@link ReferenceProxies}):
 * what an HTTP proxy, and a bare TCP relay, cost on the same machine.
 *
 * <p>Targets (issue 16): gpuhub's proxy at least configurable-http-proxy's throughput and at most its
 * p99 on every row, and at least 0.8 of direct; gpuhub's hub API at least 3 times JupyterHub's.
 */
public final class JupyterHubComparison {
  private static final String USER = "bench";
  private static final String NODE = "bench-node";
  private static final int BIG_BYTES = 10 * 1024 * 1024;

  private JupyterHubComparison() {}

  /** One system's mean of its two runs. */
  private record Row(double rps, double p50, double p99, long non2xx) {
    static Row mean(Wrk.Result a, Wrk.Result b) {
      return new Row((a.requestsPerSecond() + b.requestsPerSecond()) / 2, (a.p50Ms() + b.p50Ms()) / 2,
          (a.p99Ms() + b.p99Ms()) / 2, a.non2xx() + b.non2xx());
    }
  }

  /** A target reached with a token in a header. */
  private record Target(String name, String url, Path lua) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = Options.parse(args, "JupyterHubComparison --chp PATH [--seconds 8] [--warmup 5]"
        + " [--jupyterhub /usr/bin/jupyterhub] [--rows all|proxy] [--haproxy PATH] [--socat PATH]");
    String chp = opts.get("chp");
    if (chp == null || !Files.isExecutable(Path.of(chp))) {
      throw new IllegalArgumentException("--chp must name configurable-http-proxy's executable (scripts/bench-jupyterhub.sh installs it)");
    }
    String jupyterhub = opts.getOrDefault("jupyterhub", "/usr/bin/jupyterhub");
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "8"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
    String rows = opts.getOrDefault("rows", "all");
    if (!rows.equals("all") && !rows.equals("proxy")) {
      throw new IllegalArgumentException("--rows must be all (every row) or proxy (the proxy and kernel rows only), not " + rows);
    }
    String haproxy = executable(opts, "haproxy");
    String socat = executable(opts, "socat");
    Path dir = Files.createTempDirectory("gpuhub-jh-bench");
    try (BenchInstallation install = new BenchInstallation(dir, SpawnerConfig.PLAIN_HTTP_COMMAND)) {
      run(install.plane, dir, chp, jupyterhub, seconds, warmup, rows.equals("proxy"), haproxy, socat);
    }
  }

  /** The executable an option names, or null when the option is absent. */
  private static String executable(Map<String, String> opts, String option) {
    String path = opts.get(option);
    if (path != null && !Files.isExecutable(Path.of(path))) {
      throw new IllegalArgumentException("--" + option + " must name an executable, not " + path);
    }
    return path;
  }

  private static void run(ControlPlane plane, Path dir, String chp, String jupyterhub, int seconds, int warmup,
      boolean proxyRowsOnly, String haproxy, String socat) throws Exception {
    HubUser user = plane.hub().auth().accounts().create(USER, "bench-password-1", false);
    String apiToken = plane.hub().auth().accounts().createToken(user, "bench", null).token();
    plane.hub().spawner().spawn(USER, new SpawnOptions("single-cpu", null, null));
    ActiveServer.Snapshot server = BenchInstallation.awaitRunning(plane.hub().spawner(), USER, Duration.ofSeconds(150));
    String origin = "http://" + server.nodeIp() + ":" + server.port();
    putBigFile(origin, server.token());

    String chpToken = ApiTokens.generate();
    int chpPort = FreePorts.pick();
    int chpApi = FreePorts.pick();
    ProcessBuilder chpProcess = new ProcessBuilder(chp, "--ip", "127.0.0.1", "--port", Integer.toString(chpPort),
        "--api-ip", "127.0.0.1", "--api-port", Integer.toString(chpApi), "--log-level", "warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("chp.log").toFile());
    chpProcess.environment().put("CONFIGPROXY_AUTH_TOKEN", chpToken); // the token stays off the command line
    Process proxy = chpProcess.start();
    Process hub = null;
    try (ReferenceProxies references = new ReferenceProxies(haproxy, socat, server.nodeIp(), server.port(), dir)) {
      awaitAnswer("http://127.0.0.1:" + chpApi + "/api/routes", "token " + chpToken);
      HttpResponse<String> added = http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + chpApi
          + "/api/routes/user/" + USER)).header("Authorization", "token " + chpToken)
          .POST(HttpRequest.BodyPublishers.ofString("{\"target\": \"" + origin + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
      if (added.statusCode() != 201) throw new IllegalStateException("configurable-http-proxy refused the route: " + added.body());

      Path serverLua = LuaScripts.getWithHeader(dir, "server", "Authorization", "token " + server.token());
      Path hubLua = LuaScripts.getWithHeader(dir, "hub", "Authorization", "token " + apiToken);
      String chpVersion = version(chp);
      System.out.printf(Locale.ROOT, "gpuhub beside JupyterHub, one machine (%d cores), one run; wrk %d s per run,"
              + " each row direct/CHP/gpuhub (then any yardsticks) measured A B C C B A (mean of 2 runs each)%n",
          Runtime.getRuntime().availableProcessors(), seconds);
      System.out.printf(Locale.ROOT, "  notebook server: %s in image %s (plain HTTP), %s%n", server.token() == null ? "?" : "Jupyter Notebook 6",
          server.image(), origin);
      System.out.printf(Locale.ROOT, "  configurable-http-proxy %s (npm), node %s; gpuhub's proxy: this build%n", chpVersion,
          version("node"));
      for (ReferenceProxies.Proxy p : references.proxies()) {
        System.out.printf(Locale.ROOT, "  yardstick (not a target): %s, %s%n", p.name(), p.origin());
      }
      for (String resource : List.of("api/status", "files/big.bin")) {
        String path = "/user/" + USER + "/" + resource;
        List<Target> targets = new java.util.ArrayList<>(List.of(new Target("direct", origin + path, serverLua),
            new Target("CHP", "http://127.0.0.1:" + chpPort + path, serverLua),
            new Target("gpuhub", plane.hub().url() + path, hubLua)));
        for (ReferenceProxies.Proxy p : references.proxies()) targets.add(new Target(p.name(), p.origin() + path, serverLua));
        for (Target t : targets) Wrk.run(t.url(), 1, 4, warmup, t.lua());
        for (int connections : new int[] {1, 16}) {
          Row[] rows = thereAndBack(targets, connections, seconds);
          proxyRows(resource.equals("api/status") ? "small (api/status)" : "10 MB download", connections, rows);
          referenceRow(targets, rows);
        }
      }

      kernelRows(origin, chpPort, plane.hub().url(), server.token(), apiToken, seconds);
      if (proxyRowsOnly) return;

      String jhToken = ApiTokens.generate();
      int jhHubPort = FreePorts.pick();
      String pamUser = System.getenv("GPUHUB_BENCH_PAM_USER");
      String pamPassword = System.getenv("GPUHUB_BENCH_PAM_PASSWORD");
      hub = startJupyterHub(jupyterhub, chp, dir, jhHubPort, jhToken, pamUser);
      String jhUrl = "http://127.0.0.1:" + jhHubPort + "/hub/api/users/" + USER;
      awaitAnswer(jhUrl, "token " + jhToken);
      String jhVersion = http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jhHubPort + "/hub/api/")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      List<Target> apis = List.of(new Target("JupyterHub", jhUrl, LuaScripts.getWithHeader(dir, "jh", "Authorization", "token " + jhToken)),
          new Target("gpuhub", plane.hub().url() + "/hub/api/users/" + USER, hubLua));
      for (Target t : apis) Wrk.run(t.url(), 1, 4, warmup, t.lua());
      System.out.printf(Locale.ROOT, "hub API: GET /hub/api/users/%s with a token; JupyterHub %s (Debian, sqlite,"
          + " its hub port directly) vs gpuhub (embedded H2, its hub port)%n", USER, jhVersion.strip());
      for (int connections : new int[] {1, 16}) {
        Row jh1 = measure(apis.get(0), connections, seconds);
        Row g1 = measure(apis.get(1), connections, seconds);
        Row g2 = measure(apis.get(1), connections, seconds);
        Row jh2 = measure(apis.get(0), connections, seconds);
        Row jh = new Row((jh1.rps + jh2.rps) / 2, (jh1.p50 + jh2.p50) / 2, (jh1.p99 + jh2.p99) / 2, jh1.non2xx + jh2.non2xx);
        Row g = new Row((g1.rps + g2.rps) / 2, (g1.p50 + g2.p50) / 2, (g1.p99 + g2.p99) / 2, g1.non2xx + g2.non2xx);
        System.out.printf(Locale.ROOT, "  %2d conn  JupyterHub %,7.0f req/s p99 %7.2f ms | gpuhub %,7.0f req/s p99 %7.2f ms"
                + " | gpuhub/JupyterHub %.1fx [target >= 3x: %s] non-2xx %d%n", connections, jh.rps, jh.p99, g.rps, g.p99,
            g.rps / jh.rps, g.rps >= 3 * jh.rps ? "met" : "NOT met", jh.non2xx + g.non2xx);
      }
      loginRows("http://127.0.0.1:" + jhHubPort, pamUser, pamPassword, plane, seconds);
    } finally {
      if (hub != null) stop(hub);
      stop(proxy);
      plane.hub().spawner().stop(USER, "benchmark done");
    }
  }

  /**
   * Kernel message round trips (execute {@code 1+1}, wait for its reply) on one WebSocket to the same
   * kernel: directly, through configurable-http-proxy and through gpuhub's proxy, A B C C B A.
   */
  private static void kernelRows(String origin, int chpPort, String hubUrl, String serverToken, String apiToken,
                                 int seconds) throws Exception {
    HttpResponse<String> k = http().send(HttpRequest.newBuilder(URI.create(origin + "/user/" + USER + "/api/kernels"))
        .header("Authorization", "token " + serverToken).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"python3\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (k.statusCode() != 201) throw new IllegalStateException("could not start a kernel: " + k.statusCode() + " " + k.body());
    String id = dev.gpuhub.wire.WireJson.mapper().readTree(k.body()).path("id").asText();
    String path = "/user/" + USER + "/api/kernels/" + id + "/channels";
    String[] urls = {origin.replace("http://", "ws://") + path, "ws://127.0.0.1:" + chpPort + path,
        hubUrl.replace("http://", "ws://") + path};
    String[] auth = {"token " + serverToken, "token " + serverToken, "token " + apiToken};
    KernelRoundTrips.Result[] first = new KernelRoundTrips.Result[3];
    KernelRoundTrips.Result[] second = new KernelRoundTrips.Result[3];
    for (int i = 0; i < 3; i++) first[i] = KernelRoundTrips.measure(urls[i], auth[i], seconds);
    for (int i = 2; i >= 0; i--) second[i] = KernelRoundTrips.measure(urls[i], auth[i], seconds);
    double[] rps = new double[3];
    double[] p99 = new double[3];
    double[] p50 = new double[3];
    for (int i = 0; i < 3; i++) {
      rps[i] = (first[i].perSecond() + second[i].perSecond()) / 2;
      p50[i] = (first[i].p50Ms() + second[i].p50Ms()) / 2;
      p99[i] = (first[i].p99Ms() + second[i].p99Ms()) / 2;
    }
    boolean met = rps[2] >= rps[1] && p99[2] <= p99[1] && rps[2] >= 0.8 * rps[0];
    System.out.printf(Locale.ROOT, "kernel round trips (execute 1+1 over one WebSocket): direct %,6.0f /s p50 %5.2f p99 %6.2f ms"
            + " | CHP %,6.0f /s p50 %5.2f p99 %6.2f ms | gpuhub %,6.0f /s p50 %5.2f p99 %6.2f ms | gpuhub/CHP %.2f,"
            + " gpuhub/direct %.2f [targets: >= CHP, p99 <= CHP, >= 0.8 direct: %s]%n", rps[0], p50[0], p99[0], rps[1],
        p50[1], p99[1], rps[2], p50[2], p99[2], rps[2] / rps[1], rps[2] / rps[0], met ? "met" : "NOT met");
  }

  /**
   * Form-login throughput, 1 and 4 clients at once: JupyterHub's PAM authenticator (a system user
   * whose password the system hashed, as {@code /etc/shadow} shows) against gpuhub's own accounts
   * (Argon2id). Skipped, saying so, without the system user the script makes.
   */
  private static void loginRows(String jhBase, String pamUser, String pamPassword, ControlPlane plane, int seconds)
      throws Exception {
    if (pamUser == null || pamPassword == null) {
      System.out.println("form logins: not measured (GPUHUB_BENCH_PAM_USER and GPUHUB_BENCH_PAM_PASSWORD unset;"
          + " scripts/bench-jupyterhub.sh sets them)");
      return;
    }
    plane.hub().auth().accounts().create("bench-login", pamPassword, false);
    String shadow = "?";
    try {
      for (String line : Files.readAllLines(Path.of("/etc/shadow"))) {
        if (line.startsWith(pamUser + ":")) {
          String hash = line.split(":")[1];
          int cut = hash.lastIndexOf('$');
          shadow = cut > 0 ? hash.substring(0, cut) + "$..." : "?";
        }
      }
    } catch (IOException e) {
      shadow = "unreadable";
    }
    System.out.printf(Locale.ROOT, "form logins (GET /hub/login for _xsrf, then POST /hub/login again and again): JupyterHub"
            + " PAMAuthenticator, the system's hash %s | gpuhub Argon2id m=%d KiB t=%d p=%d%n", shadow,
        dev.gpuhub.server.hub.auth.PasswordHasher.MEMORY_KIB, dev.gpuhub.server.hub.auth.PasswordHasher.ITERATIONS,
        dev.gpuhub.server.hub.auth.PasswordHasher.PARALLELISM);
    for (int clients : new int[] {1, 4}) {
      FormLogins.Result jh1 = FormLogins.measure(jhBase, pamUser, pamPassword, clients, seconds);
      FormLogins.Result g1 = FormLogins.measure(plane.hub().url(), "bench-login", pamPassword, clients, seconds);
      FormLogins.Result g2 = FormLogins.measure(plane.hub().url(), "bench-login", pamPassword, clients, seconds);
      FormLogins.Result jh2 = FormLogins.measure(jhBase, pamUser, pamPassword, clients, seconds);
      double jh = (jh1.perSecond() + jh2.perSecond()) / 2;
      double g = (g1.perSecond() + g2.perSecond()) / 2;
      System.out.printf(Locale.ROOT, "  %d client(s): JupyterHub %,6.1f logins/s p50 %6.1f p99 %6.1f ms | gpuhub %,6.1f logins/s"
              + " p50 %6.1f p99 %6.1f ms | gpuhub/JupyterHub %.2f | refused: JupyterHub %d, gpuhub %d%n", clients, jh,
          (jh1.p50Ms() + jh2.p50Ms()) / 2, (jh1.p99Ms() + jh2.p99Ms()) / 2, g, (g1.p50Ms() + g2.p50Ms()) / 2,
          (g1.p99Ms() + g2.p99Ms()) / 2, g / jh, jh1.failed() + jh2.failed(), g1.failed() + g2.failed());
    }
  }

  /** Each target once in order and once in reverse (A B C C B A ...); each one's mean of its two runs. */
  private static Row[] thereAndBack(List<Target> t, int connections, int seconds) throws Exception {
    int n = t.size();
    Wrk.Result[] first = new Wrk.Result[n];
    Wrk.Result[] second = new Wrk.Result[n];
    for (int i = 0; i < n; i++) first[i] = Wrk.run(t.get(i).url(), 1, connections, seconds, t.get(i).lua());
    for (int i = n - 1; i >= 0; i--) second[i] = Wrk.run(t.get(i).url(), 1, connections, seconds, t.get(i).lua());
    Row[] rows = new Row[n];
    for (int i = 0; i < n; i++) rows[i] = Row.mean(first[i], second[i]);
    return rows;
  }

  /** The yardsticks' figures (targets 3 and on) beside direct's, on a line of their own. */
  private static void referenceRow(List<Target> targets, Row[] r) {
    if (targets.size() <= 3) return;
    StringBuilder line = new StringBuilder("    yardsticks:");
    for (int i = 3; i < targets.size(); i++) {
      line.append(String.format(Locale.ROOT, "%s %s %,7.0f req/s p50 %6.2f p99 %7.2f ms, %.2f x direct (non-2xx %d)",
          i > 3 ? " |" : "", targets.get(i).name(), r[i].rps, r[i].p50, r[i].p99, r[i].rps / r[0].rps, r[i].non2xx));
    }
    System.out.println(line);
  }

  private static Row measure(Target t, int connections, int seconds) throws Exception {
    Wrk.Result r = Wrk.run(t.url(), 1, connections, seconds, t.lua());
    return new Row(r.requestsPerSecond(), r.p50Ms(), r.p99Ms(), r.non2xx());
  }

  private static void proxyRows(String what, int connections, Row[] r) {
    Row d = r[0];
    Row c = r[1];
    Row g = r[2];
    boolean met = g.rps >= c.rps && g.p99 <= c.p99 && g.rps >= 0.8 * d.rps && d.non2xx + c.non2xx + g.non2xx == 0;
    System.out.printf(Locale.ROOT, "%s, %d conn: direct %,7.0f req/s p50 %6.2f p99 %7.2f ms | CHP %,7.0f req/s p50 %6.2f"
            + " p99 %7.2f ms | gpuhub %,7.0f req/s p50 %6.2f p99 %7.2f ms | gpuhub/CHP %.2f, gpuhub/direct %.2f"
            + " [targets: >= CHP, p99 <= CHP, >= 0.8 direct: %s] non-2xx %d%n", what, connections, d.rps, d.p50, d.p99,
        c.rps, c.p50, c.p99, g.rps, g.p50, g.p99, g.rps / c.rps, g.rps / d.rps, met ? "met" : "NOT met",
        d.non2xx + c.non2xx + g.non2xx);
  }

  /**
   * JupyterHub 3.0 with its default authenticator (PAM: system users' passwords) when {@code pamUser}
   * is given, else the dummy one; users {@value #USER} (and {@code pamUser}); a service token that
   * may read users.
   */
  private static Process startJupyterHub(String jupyterhub, String chp, Path dir, int hubPort, String token,
                                         String pamUser) throws IOException {
    Path work = Files.createDirectories(dir.resolve("jupyterhub"));
    String config = String.join("\n",
        "import os",
        "c = get_config()  # noqa",
        "c.JupyterHub.ip = '127.0.0.1'",
        "c.JupyterHub.port = " + FreePorts.pick(),
        "c.JupyterHub.hub_ip = '127.0.0.1'",
        "c.JupyterHub.hub_port = " + hubPort,
        "c.ConfigurableHTTPProxy.command = ['" + chp + "']",
        "c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:" + FreePorts.pick() + "'",
        pamUser == null ? "c.JupyterHub.authenticator_class = 'dummy'" : "c.PAMAuthenticator.open_sessions = False",
        "c.Authenticator.allowed_users = {'" + USER + "'" + (pamUser == null ? "" : ", '" + pamUser + "'") + "}",
        "c.JupyterHub.db_url = 'sqlite:///" + work.resolve("jupyterhub.sqlite") + "'",
        "c.JupyterHub.cookie_secret_file = '" + work.resolve("cookie_secret") + "'",
        "c.ConfigurableHTTPProxy.pid_file = '" + work.resolve("proxy.pid") + "'",
        "c.JupyterHub.services = [{'name': 'bench', 'api_token': os.environ['BENCH_TOKEN']}]",
        "c.JupyterHub.load_roles = [{'name': 'bench-reader', 'scopes': ['read:users', 'list:users'], 'services': ['bench']}]",
        "c.JupyterHub.log_level = 'WARN'", "");
    Path file = work.resolve("jupyterhub_config.py");
    Files.writeString(file, config);
    ProcessBuilder pb = new ProcessBuilder(jupyterhub, "-f", file.toString()).directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(work.resolve("jupyterhub.log").toFile());
    pb.environment().put("BENCH_TOKEN", token);
    return pb.start();
  }

  /** A 10 MB file in the server's working directory, through its contents API. */
  private static void putBigFile(String origin, String token) throws IOException, InterruptedException {
    byte[] bytes = new byte[BIG_BYTES];
    new java.util.Random(16).nextBytes(bytes);
    String body = "{\"type\": \"file\", \"format\": \"base64\", \"content\": \"" + Base64.getEncoder().encodeToString(bytes) + "\"}";
    HttpResponse<String> r = http().send(HttpRequest.newBuilder(URI.create(origin + "/user/" + USER + "/api/contents/big.bin"))
        .header("Authorization", "token " + token).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) throw new IllegalStateException("could not store the 10 MB file: " + r.statusCode() + " " + r.body());
  }

  private static void awaitAnswer(String url, String authorization) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = http().send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization)
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return;
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(url + " did not answer 200 within 60 s: " + last);
  }

  private static String version(String command) {
    try {
      Process p = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      p.waitFor();
      return out.lines().reduce((a, b) -> b).orElse("?");
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }

  private static void stop(Process p) throws InterruptedException {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
  }

  private static HttpClient http() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }
}
