package dev.gpuhub.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Form logins as a browser makes them, against any hub with JupyterHub's login form
 * ({@code GET /hub/login} may hand out an {@code _xsrf} cookie, which is then sent back;
 * {@code POST /hub/login} with {@code username} and {@code password} answers 302 on success): successful logins
 * per second from {@code clients} clients at once, each logging in again and again for a fixed time,
 * and the p50/p99 of one login.
 */
final class FormLogins {
  /** What one measurement saw; {@code failed} counts answers other than 302. */
  record Result(double perSecond, double p50Ms, double p99Ms, int logins, int failed) {}

  private FormLogins() {}

  static Result measure(String base, String user, String password, int clients, int seconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<List<Double>>> runs = new ArrayList<>();
      int[] failed = new int[1];
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      long t0 = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        runs.add(pool.submit(() -> {
          HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(Duration.ofSeconds(10)).build();
          String xsrf = xsrf(http, base);
          String body = "username=" + enc(user) + "&password=" + enc(password) + (xsrf == null ? "" : "&_xsrf=" + enc(xsrf));
          List<Double> took = new ArrayList<>();
          while (System.nanoTime() < end) {
            long s = System.nanoTime();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/hub/login"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
            if (xsrf != null) b.header("Cookie", "_xsrf=" + xsrf);
            HttpResponse<Void> r = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 302) {
              took.add((System.nanoTime() - s) / 1e6);
            } else {
              synchronized (failed) {
                failed[0]++;
              }
            }
          }
          return took;
        }));
      }
      List<Double> all = new ArrayList<>();
      for (Future<List<Double>> f : runs) all.addAll(f.get());
      double elapsed = (System.nanoTime() - t0) / 1e9;
      Collections.sort(all);
      return new Result(all.size() / elapsed, pct(all, 0.50), pct(all, 0.99), all.size(), failed[0]);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The {@code _xsrf} cookie the login page hands out; null when it hands out none (JupyterHub 3.0). */
  private static String xsrf(HttpClient http, String base) throws Exception {
    HttpResponse<Void> page = http.send(HttpRequest.newBuilder(URI.create(base + "/hub/login")).build(),
        HttpResponse.BodyHandlers.discarding());
    for (String c : page.headers().allValues("Set-Cookie")) {
      if (c.startsWith("_xsrf=")) return c.substring(6, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'));
    }
    if (page.statusCode() != 200) throw new IllegalStateException(base + "/hub/login answered " + page.statusCode());
    return null;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static double pct(List<Double> sorted, double q) {
    return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }
}
