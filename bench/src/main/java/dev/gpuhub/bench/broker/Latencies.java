package dev.gpuhub.bench.broker;

import java.util.Arrays;

/** Latency samples in nanoseconds: mean and nearest-rank percentiles, in milliseconds. */
public record Latencies(long[] nanos) {

  public Latencies {
    nanos = nanos.clone();
    Arrays.sort(nanos);
  }

  public int count() {
    return nanos.length;
  }

  public double meanMs() {
    if (nanos.length == 0) return Double.NaN;
    double sum = 0;
    for (long n : nanos) sum += n;
    return sum / nanos.length / 1e6;
  }

  /** Nearest-rank percentile, {@code p} in (0, 100]. */
  public double percentileMs(double p) {
    if (nanos.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(p / 100.0 * nanos.length);
    return nanos[Math.min(nanos.length, Math.max(1, rank)) - 1] / 1e6;
  }

  public double p50Ms() {
    return percentileMs(50);
  }

  public double p95Ms() {
    return percentileMs(95);
  }

  public double p99Ms() {
    return percentileMs(99);
  }

  public double maxMs() {
    return nanos.length == 0 ? Double.NaN : nanos[nanos.length - 1] / 1e6;
  }
}
