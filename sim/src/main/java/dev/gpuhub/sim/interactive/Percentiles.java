package dev.gpuhub.sim.interactive;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles: the smallest value with at least p % of the values at or below it. Pure. */
public final class Percentiles {
  private Percentiles() {}

  /**
   * @param values any order; not modified
   * @param p      in (0, 100]
   * @return the nearest-rank p-th percentile: sorted[ceil(p / 100 × n) - 1]; 0 when there are no values
   */
  public static double of(Collection<Double> values, double p) {
    if (!(p > 0 && p <= 100)) throw new IllegalArgumentException("percentile must be in (0, 100], was " + p);
    if (values.isEmpty()) return 0;
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100 * sorted.length - 1e-9);
    return sorted[Math.max(1, rank) - 1];
  }
}
