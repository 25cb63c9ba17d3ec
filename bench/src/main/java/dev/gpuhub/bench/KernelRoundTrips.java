package dev.gpuhub.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Kernel message round trips over one WebSocket (Jupyter's {@code /api/kernels/<id>/channels}):
 * execute {@code 1+1}, wait for its {@code execute_reply}, again, for a fixed time; round trips per
 * second and the p50/p99 of their latency.
 */
final class KernelRoundTrips {
  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

  /** What one measurement saw. */
  record Result(double perSecond, double p50Ms, double p99Ms, int count) {}

  private KernelRoundTrips() {}

  /**
   * Measures round trips on {@code channelsUrl} ({@code ws://...}) for {@code seconds}, sending
   * {@code authorization} as the {@code Authorization} header.
   */
  static Result measure(String channelsUrl, String authorization, int seconds) throws Exception {
    try (KernelChannel kernel = KernelChannel.open(channelsUrl, authorization, Duration.ofSeconds(10))) {
      kernel.execute("1+1", REPLY_TIMEOUT); // the first one warms the kernel
      List<Double> latencies = new ArrayList<>();
      Instant end = Instant.now().plusSeconds(seconds);
      long started = System.nanoTime();
      while (Instant.now().isBefore(end)) {
        long t0 = System.nanoTime();
        kernel.execute("1+1", REPLY_TIMEOUT);
        latencies.add((System.nanoTime() - t0) / 1e6);
      }
      double elapsed = (System.nanoTime() - started) / 1e9;
      Collections.sort(latencies);
      return new Result(latencies.size() / elapsed, percentile(latencies, 0.50), percentile(latencies, 0.99),
          latencies.size());
    }
  }

  private static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) return Double.NaN;
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }
}
