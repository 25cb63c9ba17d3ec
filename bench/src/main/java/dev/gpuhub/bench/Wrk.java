package dev.gpuhub.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the wrk HTTP load generator (Debian package {@code wrk}) and parses its summary: requests
 * per second, latency percentiles and non-2xx answers.
 */
final class Wrk {
  /** One wrk run's numbers. Latencies in milliseconds. */
  record Result(double requestsPerSecond, double p50Ms, double p99Ms, long requests, long non2xx, String raw) {}

  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: (.*)");

  private Wrk() {}

  static Result run(String url, int threads, int connections, int seconds, Path luaScript) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency"));
    if (luaScript != null) cmd.addAll(List.of("-s", luaScript.toString()));
    cmd.add(url);
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("wrk not found: install the Debian package wrk (scripts/bench-discovery.sh does)", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new IllegalStateException("wrk failed:\n" + out);
    Matcher socketErrors = SOCKET_ERRORS.matcher(out);
    if (socketErrors.find()) System.out.println("  wrk socket errors: " + socketErrors.group(1));
    return new Result(number(RPS, out), percentile(out, "50%"), percentile(out, "99%"),
        (long) number(TOTAL, out), NON_2XX.matcher(out).find() ? (long) number(NON_2XX, out) : 0, out);
  }

  private static double number(Pattern p, String out) {
    Matcher m = p.matcher(out);
    if (!m.find()) throw new IllegalStateException("unexpected wrk output (no " + p + "):\n" + out);
    return Double.parseDouble(m.group(1));
  }

  // wrk prints e.g. "     99%    1.23ms" in its latency distribution (us, ms or s).
  private static double percentile(String out, String which) {
    Matcher m = Pattern.compile("^\\s*" + Pattern.quote(which) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE).matcher(out);
    if (!m.find()) throw new IllegalStateException("unexpected wrk output (no " + which + " latency):\n" + out);
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "us" -> v / 1000;
      case "s" -> v * 1000;
      default -> v;
    };
  }
}
