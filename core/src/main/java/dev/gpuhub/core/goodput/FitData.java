package dev.gpuhub.core.goodput;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/** Throughput samples as arrays, plus which parameters they can identify. */
final class FitData {
  final int n;
  final int[] nodes;
  final int[] replicas;
  final double[] bsz;
  final double[] accum;
  final double[] optim;
  final double[] logAccum;
  final double[] logOptim;
  final int distinctBsz;
  final double meanAccum;
  final boolean multiNode;
  final boolean multiReplicaOneNode;
  final boolean moreThanTwoReplicas;

  FitData(List<ThroughputSample> samples) {
    n = samples.size();
    nodes = new int[n];
    replicas = new int[n];
    bsz = new double[n];
    accum = new double[n];
    optim = new double[n];
    logAccum = new double[n];
    logOptim = new double[n];
    Set<Integer> sizes = new HashSet<>();
    double sum = 0;
    boolean mn = false, mr = false, gt2 = false;
    for (int i = 0; i < n; i++) {
      ThroughputSample s = samples.get(i);
      nodes[i] = s.nodes();
      replicas[i] = s.replicas();
      bsz[i] = s.atomicBsz();
      accum[i] = s.accumStepTime();
      optim[i] = s.optimStepTime();
      logAccum[i] = Math.log(accum[i]);
      logOptim[i] = Math.log(optim[i]);
      sizes.add(s.atomicBsz());
      sum += accum[i];
      mn |= s.nodes() > 1;
      mr |= s.nodes() == 1 && s.replicas() > 1;
      gt2 |= s.replicas() > 2;
    }
    distinctBsz = sizes.size();
    meanAccum = sum / n;
    multiNode = mn;
    multiReplicaOneNode = mr;
    moreThanTwoReplicas = gt2;
  }

  /** Least-squares guesses: compute time linear in batch size; sync = step - compute, linear in replicas - 2. */
  double[] estimate() {
    double[] p = new double[PerfFit.SIZE];
    SimpleRegression compute = new SimpleRegression();
    for (int i = 0; i < n; i++) compute.addData(bsz[i], accum[i]);
    double slope = distinctBsz > 1 ? compute.getSlope() : Double.NaN;
    if (slope > 0) {
      p[PerfFit.BC] = slope;
      p[PerfFit.AC] = Math.max(compute.getIntercept(), meanAccum * 1e-3);
    } else {
      p[PerfFit.AC] = meanAccum / 2;
      double meanBsz = 0;
      for (double b : bsz) meanBsz += b / n;
      p[PerfFit.BC] = meanAccum / 2 / meanBsz;
    }
    double[] local = syncLine(false);
    double[] remote = syncLine(true);
    p[PerfFit.AR] = local[0];
    p[PerfFit.BR] = local[1];
    p[PerfFit.AN] = remote[0];
    p[PerfFit.BN] = remote[1];
    p[PerfFit.GAMMA] = 1.0 + 1e-3;
    return p;
  }

  private double[] syncLine(boolean acrossNodes) {
    SimpleRegression sync = new SimpleRegression();
    Set<Integer> xs = new HashSet<>();
    double sum = 0;
    for (int i = 0; i < n; i++) {
      if (replicas[i] < 2 || (nodes[i] > 1) != acrossNodes) continue;
      double time = Math.max(optim[i] - accum[i], ThroughputFitter.MIN_PARAM);
      sync.addData(Math.max(replicas[i] - 2, 0), time);
      sum += time;
      xs.add(replicas[i]);
    }
    if (sync.getN() == 0) return new double[] {1e-1, 1e-3};
    double mean = sum / sync.getN();
    if (xs.size() < 2 || !(sync.getSlope() > 0)) return new double[] {PerfFit.clamp(mean), PerfFit.clamp(mean * 1e-2)};
    double alpha = PerfFit.clamp(Math.max(sync.getIntercept(), mean * 1e-2));
    return new double[] {alpha, PerfFit.clamp(Math.max(sync.getSlope(), alpha * 1e-2))};
  }
}
