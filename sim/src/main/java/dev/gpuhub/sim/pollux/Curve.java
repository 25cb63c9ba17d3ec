package dev.gpuhub.sim.pollux;

import java.util.Arrays;

/**
 * Piecewise-linear (step time, sync time) as a function of one coordinate (the local batch size),
 * through measured points sorted by x. Outside the measured range the nearest end is used.
 */
final class Curve {
  final double[] x;
  final double[] step;
  final double[] sync;

  Curve(double[] x, double[] step, double[] sync) {
    if (x.length == 0 || x.length != step.length || x.length != sync.length) {
      throw new IllegalArgumentException("curve needs matching, non-empty arrays");
    }
    for (int i = 1; i < x.length; i++) {
      if (!(x[i] > x[i - 1])) throw new IllegalArgumentException("curve x must be strictly increasing: " + Arrays.toString(x));
    }
    this.x = x;
    this.step = step;
    this.sync = sync;
  }

  double minX() {
    return x[0];
  }

  double maxX() {
    return x[x.length - 1];
  }

  /** Writes (step, sync) at {@code at} into out[0], out[1]. */
  void eval(double at, double[] out) {
    int n = x.length;
    if (at <= x[0]) {
      out[0] = step[0];
      out[1] = sync[0];
      return;
    }
    if (at >= x[n - 1]) {
      out[0] = step[n - 1];
      out[1] = sync[n - 1];
      return;
    }
    int hi = Arrays.binarySearch(x, at);
    if (hi >= 0) {
      out[0] = step[hi];
      out[1] = sync[hi];
      return;
    }
    hi = -hi - 1;
    int lo = hi - 1;
    double t = (at - x[lo]) / (x[hi] - x[lo]);
    out[0] = step[lo] + t * (step[hi] - step[lo]);
    out[1] = sync[lo] + t * (sync[hi] - sync[lo]);
  }

  /** Linear interpolation of y over sorted xs at x, clamped to the ends. */
  static double interp(double[] xs, double[] ys, double at) {
    int n = xs.length;
    if (at <= xs[0]) return ys[0];
    if (at >= xs[n - 1]) return ys[n - 1];
    int hi = Arrays.binarySearch(xs, at);
    if (hi >= 0) return ys[hi];
    hi = -hi - 1;
    int lo = hi - 1;
    return ys[lo] + (at - xs[lo]) / (xs[hi] - xs[lo]) * (ys[hi] - ys[lo]);
  }
}
