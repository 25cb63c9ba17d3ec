package dev.gpuhub.core.goodput;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.exception.MathArithmeticException;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * One bounded fit of the throughput model: the artifact's objective ({@link #objective}) minimised
 * with Commons Math's Levenberg-Marquardt.
 *
 * <p>The artifact's objective is a sum of two root-mean-square errors plus penalties; its
 * stationary points are those of {@code w1 MSE1 + w2 MSE2 + penalties} with {@code wk = 1 / (2
 * RMSEk)} taken at the solution, a least-squares problem. So the fit solves that problem a few
 * times, re-weighting from the previous solution (iteratively re-weighted least squares).
 *
 * <p>Bounds become a change of variables: an alpha or beta is {@code 1e-8 + exp(x)} (capped at
 * 1e4) and gamma is {@code 1 + 9 / (1 + exp(-t))}, so the solver runs unconstrained. Fixed
 * parameters (priors) are left out of the variables.
 */
final class PerfFit {
  static final int AC = 0, BC = 1, AN = 2, BN = 3, AR = 4, BR = 5, GAMMA = 6, SIZE = 7;

  private static final int REWEIGHTS = 4;
  private static final int MAX_ITERATIONS = 200;
  private static final double MIN_RMSE = 1e-4;
  private static final double JACOBIAN_STEP = 1e-6;
  private static final double SQRT_GAMMA_PENALTY = Math.sqrt(1e-3);
  private static final double SQRT_RATIO_PENALTY = Math.sqrt(1e-2);

  private final FitData data;
  private final boolean[] fixed;
  private final double[] fixedValue;
  private final int[] free;

  PerfFit(FitData data, boolean[] fixed, double[] fixedValue) {
    this.data = data;
    this.fixed = fixed.clone();
    this.fixedValue = fixedValue.clone();
    int count = 0;
    for (boolean f : fixed) if (!f) count++;
    free = new int[count];
    for (int i = 0, k = 0; i < SIZE; i++) if (!fixed[i]) free[k++] = i;
  }

  static double clamp(double v) {
    return Math.min(Math.max(v, ThroughputFitter.MIN_PARAM), ThroughputFitter.MAX_PARAM);
  }

  /** The artifact's objective: RMSLE of T_grad + RMSLE of T_optim + gamma and retrogression penalties. */
  static double objective(double[] p, FitData data) {
    double[] mse = meanSquaredErrors(p, data);
    double ratioN = p[BN] / p[AN];
    double ratioR = p[BR] / p[AR];
    return Math.sqrt(mse[0]) + Math.sqrt(mse[1]) + 1e-3 * (p[GAMMA] - 1) * (p[GAMMA] - 1)
        + 1e-2 * (ratioN * ratioN + ratioR * ratioR);
  }

  /** Minimises {@link #objective} from {@code start} (full parameter vector; fixed entries ignored). */
  double[] minimise(double[] start) {
    double[] params = start.clone();
    for (int i = 0; i < SIZE; i++) if (fixed[i]) params[i] = fixedValue[i];
    double[] x = toVariables(params);
    double[] weights = {1.0, 1.0};
    double[] best = params;
    double bestValue = objective(params, data);
    for (int round = 0; round < REWEIGHTS; round++) {
      x = solve(x, weights);
      double[] candidate = toParams(x);
      double value = objective(candidate, data);
      if (value < bestValue) {
        bestValue = value;
        best = candidate;
      }
      double[] mse = meanSquaredErrors(candidate, data);
      weights = new double[] {0.5 / Math.max(Math.sqrt(mse[0]), MIN_RMSE), 0.5 / Math.max(Math.sqrt(mse[1]), MIN_RMSE)};
    }
    return best;
  }

  private double[] solve(double[] x0, double[] weights) {
    int rows = 2 * data.n + 3;
    double s1 = Math.sqrt(weights[0] / data.n);
    double s2 = Math.sqrt(weights[1] / data.n);
    // The best point the solver evaluated, in case it stops on a budget or numerical trouble.
    double[] bestX = x0.clone();
    double[] bestCost = {Double.POSITIVE_INFINITY};
    try {
      LeastSquaresOptimizer.Optimum optimum = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
          .start(x0)
          .target(new double[rows])
          .model(point -> {
            double[] x = point.toArray();
            double[] value = residuals(x, s1, s2);
            double cost = 0;
            for (double v : value) cost += v * v;
            if (cost < bestCost[0]) {
              bestCost[0] = cost;
              System.arraycopy(x, 0, bestX, 0, x.length);
            }
            double[][] jacobian = new double[rows][x.length];
            for (int k = 0; k < x.length; k++) {
              double[] shifted = x.clone();
              shifted[k] += JACOBIAN_STEP;
              double[] moved = residuals(shifted, s1, s2);
              for (int r = 0; r < rows; r++) jacobian[r][k] = (moved[r] - value[r]) / JACOBIAN_STEP;
            }
            return new Pair<RealVector, RealMatrix>(new ArrayRealVector(value, false),
                new Array2DRowRealMatrix(jacobian, false));
          })
          .maxIterations(MAX_ITERATIONS)
          .maxEvaluations(MAX_ITERATIONS * 10)
          .build());
      return optimum.getPoint().toArray();
    } catch (MathIllegalStateException | MathArithmeticException e) {
      return bestX; // budget exhausted or a degenerate step: keep the best point seen
    }
  }

  private double[] residuals(double[] x, double s1, double s2) {
    double[] p = toParams(x);
    double[] r = new double[2 * data.n + 3];
    for (int i = 0; i < data.n; i++) {
      double accum = p[AC] + p[BC] * data.bsz[i];
      r[i] = s1 * (Math.log(accum) - data.logAccum[i]);
      double sync = network(p, data.nodes[i], data.replicas[i]);
      r[data.n + i] = s2 * (PerfParams.logOverlap(accum, sync, p[GAMMA]) - data.logOptim[i]);
    }
    r[2 * data.n] = SQRT_GAMMA_PENALTY * (p[GAMMA] - 1);
    r[2 * data.n + 1] = SQRT_RATIO_PENALTY * p[BN] / p[AN];
    r[2 * data.n + 2] = SQRT_RATIO_PENALTY * p[BR] / p[AR];
    return r;
  }

  private static double[] meanSquaredErrors(double[] p, FitData data) {
    double accumErr = 0;
    double optimErr = 0;
    for (int i = 0; i < data.n; i++) {
      double accum = p[AC] + p[BC] * data.bsz[i];
      double e1 = Math.log(accum) - data.logAccum[i];
      double e2 = PerfParams.logOverlap(accum, network(p, data.nodes[i], data.replicas[i]), p[GAMMA]) - data.logOptim[i];
      accumErr += e1 * e1;
      optimErr += e2 * e2;
    }
    return new double[] {accumErr / data.n, optimErr / data.n};
  }

  private static double network(double[] p, int nodes, int replicas) {
    if (replicas <= 1) return 0.0;
    double extra = Math.max(replicas - 2, 0);
    return nodes > 1 ? p[AN] + p[BN] * extra : p[AR] + p[BR] * extra;
  }

  private double[] toVariables(double[] params) {
    double[] x = new double[free.length];
    for (int k = 0; k < free.length; k++) {
      int i = free[k];
      if (i == GAMMA) {
        double g = Math.min(Math.max(params[i], 1.0 + 1e-6), 10.0 - 1e-6);
        double share = (g - 1) / 9;
        x[k] = Math.log(share / (1 - share));
      } else {
        x[k] = Math.log(Math.max(clamp(params[i]) - ThroughputFitter.MIN_PARAM, 1e-12));
      }
    }
    return x;
  }

  private double[] toParams(double[] x) {
    double[] p = fixedValue.clone();
    for (int k = 0; k < free.length; k++) {
      int i = free[k];
      p[i] = i == GAMMA ? 1.0 + 9.0 / (1.0 + Math.exp(-x[k])) : clamp(ThroughputFitter.MIN_PARAM + Math.exp(x[k]));
    }
    return p;
  }
}
