package dev.gpuhub.core.goodput;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Fits {@link PerfParams} to a job's throughput observations, the way the Pollux artifact does
 * ({@code simulator/goodput.py fit_perf_params}); pure and deterministic.
 *
 * <p>Minimises {@code RMSLE(T_grad) + RMSLE(T_optim) + 1e-3 (gamma - 1)^2 + 1e-2 ((betaN/alphaN)^2 +
 * (betaR/alphaR)^2)}: log errors weigh fast and slow configurations alike, the first penalty keeps
 * gamma small unless overlap is evident, the second prefers optimistic (small) retrogression.
 * Bounds: every alpha and beta in [1e-8, 1e4] s, gamma in [1, 10]. The search is Commons Math's
 * Levenberg-Marquardt ({@link PerfFit}) from three fixed starting points; the best result wins.
 *
 * <p>Priors for what the samples cannot tell, as in the artifact:
 * <ul>
 *   <li>one atomic batch size only: alphaC is fixed at half the mean compute time;</li>
 *   <li>no sample on several nodes: alphaN and betaN are fitted as 1e-8 and then raised to
 *       1.1 × alphaR and 1.1 × betaR (network sync at least as slow as local sync);</li>
 *   <li>no sample with several replicas on one node: alphaR and betaR stay 1e-8;</li>
 *   <li>no sample with more than two replicas: betaN and betaR stay 1e-8.</li>
 * </ul>
 * So a job seen only on one GPU is predicted to scale almost perfectly: optimistic by design, the
 * scheduler tries more GPUs and learns.
 */
public final class ThroughputFitter {
  /** Lower bound of every alpha and beta: the artifact's slack above zero. */
  public static final double MIN_PARAM = 1e-8;
  /** Upper bound of every alpha and beta, in seconds. */
  public static final double MAX_PARAM = 1e4;

  private ThroughputFitter() {
  }

  /**
   * @param samples at least one observation; duplicates weigh as many times as they appear
   * @return the fitted parameters
   * @throws IllegalArgumentException when {@code samples} is empty
   */
  public static PerfParams fit(List<ThroughputSample> samples) {
    Objects.requireNonNull(samples, "samples");
    if (samples.isEmpty()) throw new IllegalArgumentException("need at least one throughput sample to fit");
    FitData data = new FitData(samples);

    boolean[] fixed = new boolean[PerfFit.SIZE];
    double[] fixedValue = new double[PerfFit.SIZE];
    if (data.distinctBsz == 1) fix(fixed, fixedValue, PerfFit.AC, Math.max(data.meanAccum / 2, MIN_PARAM));
    if (!data.multiNode) {
      fix(fixed, fixedValue, PerfFit.AN, MIN_PARAM);
      fix(fixed, fixedValue, PerfFit.BN, MIN_PARAM);
    }
    if (!data.multiReplicaOneNode) {
      fix(fixed, fixedValue, PerfFit.AR, MIN_PARAM);
      fix(fixed, fixedValue, PerfFit.BR, MIN_PARAM);
    }
    if (!data.moreThanTwoReplicas) {
      fix(fixed, fixedValue, PerfFit.BN, MIN_PARAM);
      fix(fixed, fixedValue, PerfFit.BR, MIN_PARAM);
    }

    PerfFit fit = new PerfFit(data, fixed, fixedValue);
    double[] best = null;
    double bestValue = Double.POSITIVE_INFINITY;
    for (double[] start : startingPoints(data)) {
      double[] params = fit.minimise(start);
      double value = PerfFit.objective(params, data);
      if (value < bestValue) {
        bestValue = value;
        best = params;
      }
    }
    if (!data.multiNode) {
      best[PerfFit.AN] = Math.max(best[PerfFit.AN], best[PerfFit.AR] * 1.1);
      best[PerfFit.BN] = Math.max(best[PerfFit.BN], best[PerfFit.BR] * 1.1);
    }
    return new PerfParams(best[PerfFit.AC], best[PerfFit.BC], best[PerfFit.AN], best[PerfFit.BN],
        best[PerfFit.AR], best[PerfFit.BR], best[PerfFit.GAMMA]);
  }

  /** The fit's objective for {@code params} on {@code samples} (lower is better), for diagnostics. */
  public static double objective(PerfParams params, List<ThroughputSample> samples) {
    double[] p = {params.alphaC(), params.betaC(), params.alphaN(), params.betaN(), params.alphaR(), params.betaR(),
        params.gamma()};
    return PerfFit.objective(p, new FitData(samples));
  }

  /** Root mean squared log error of predicted vs observed optimiser-step times. */
  public static double stepTimeRmsle(PerfParams params, List<ThroughputSample> samples) {
    double sum = 0;
    for (ThroughputSample s : samples) {
      double err = Math.log(params.optimStepTime(s.nodes(), s.replicas(), s.atomicBsz())) - Math.log(s.optimStepTime());
      sum += err * err;
    }
    return Math.sqrt(sum / samples.size());
  }

  private static void fix(boolean[] fixed, double[] value, int index, double v) {
    fixed[index] = true;
    value[index] = v;
  }

  /** The artifact's neutral start, and one estimated from the samples with two overlap guesses. */
  private static List<double[]> startingPoints(FitData data) {
    List<double[]> starts = new ArrayList<>();
    starts.add(new double[] {1e-1, 1e-2, 1e-1, 1e-2, 1e-1, 1e-2, 1.0 + 1e-3});
    double[] estimate = data.estimate();
    starts.add(estimate);
    double[] overlapped = estimate.clone();
    overlapped[PerfFit.GAMMA] = 3.0;
    starts.add(overlapped);
    return starts;
  }
}
