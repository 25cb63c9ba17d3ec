package dev.gpuhub.core.goodput.policy;

/**
 * The per-job term of PolluxPolicy's objective (artifact {@code simulator/pollux.py}): a job's
 * speedup relative to its fair share, scaled by {@code 1 / gpusPerNode} (so a node's worth of
 * fair-share speedup counts 1), plus {@code 1e-3}, raised to the power mean exponent {@code p}.
 * Summing the terms and maximising gives the same ranking as maximising the power mean
 * {@code (mean of (x + 1e-3)^p)^(1/p)}: p = 1 is the plain mean of speedups, p = -1 (the artifact's)
 * the harmonic mean, which all but forbids leaving a job with nothing while others get more.
 */
record PolluxFitness(double exponent, double scale) {
  static final double EPSILON = 1e-3;

  /** Increasing in {@code normalisedSpeedup}; larger is better. */
  double of(double normalisedSpeedup) {
    double x = normalisedSpeedup * scale + EPSILON;
    if (exponent == -1.0) return -1.0 / x;
    if (exponent == 0.0) return Math.log(x);
    double power = Math.pow(x, exponent);
    return exponent < 0 ? -power : power;
  }
}
