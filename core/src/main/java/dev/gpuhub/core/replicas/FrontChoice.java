package dev.gpuhub.core.replicas;

/**
 * SPEC §6's choice from the final front: the candidate with the smallest
 * {@code wNodes * norm(ANA) + wSufficiency * norm(TE)} (0.25 and 0.75 by default). SPEC and seed leave
 * {@code norm} open; two readings are offered.
 *
 * <ul>
 *   <li>{@link Normalization#SCALE} (default): each objective over a fixed scale of the problem,
 *       {@code norm(ANA) = ANA / nodes} and {@code norm(TE) = TE / sum of reqthr_j} over the scalable
 *       services (the share of the cluster in use, and the mismatch relative to the total target
 *       throughput). The choice depends only on the candidate and the problem, not on which extreme
 *       points of the front the search happened to keep.</li>
 *   <li>{@link Normalization#FRONT}: min-max over the candidates, {@code (x - min) / (max - min)}
 *       (0 when they all agree). A front reaching out to one node with a huge mismatch compresses every
 *       other mismatch towards 0, so this reading tends to trade much throughput for one node.</li>
 * </ul>
 *
 * Ties go to fewer nodes, then to lower sufficiency, then to the earlier candidate. The caller passes
 * only feasible candidates.
 */
public final class FrontChoice {
  private FrontChoice() {}

  /** How objectives are normalised before weighting. */
  public enum Normalization { SCALE, FRONT }

  /**
   * Index of the chosen candidate; {@code objectives[i] = {activeNodes, throughputSufficiency}}.
   * {@code problem} gives the scales of {@link Normalization#SCALE}.
   */
  public static int choose(double[][] objectives, double wNodes, double wSufficiency, Normalization mode,
      ReplicaProblem problem) {
    if (objectives.length == 0) throw new IllegalArgumentException("no candidates");
    double minA, maxA, minT, maxT;
    if (mode == Normalization.SCALE) {
      minA = 0;
      maxA = problem.nodeCount();
      minT = 0;
      maxT = 0;
      for (int j = 0; j < problem.serviceCount(); j++) {
        if (problem.service(j).scalable()) maxT += problem.service(j).requestThreshold();
      }
    } else {
      minA = Double.POSITIVE_INFINITY;
      maxA = Double.NEGATIVE_INFINITY;
      minT = Double.POSITIVE_INFINITY;
      maxT = Double.NEGATIVE_INFINITY;
      for (double[] o : objectives) {
        minA = Math.min(minA, o[0]);
        maxA = Math.max(maxA, o[0]);
        minT = Math.min(minT, o[1]);
        maxT = Math.max(maxT, o[1]);
      }
    }
    int best = 0;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int i = 0; i < objectives.length; i++) {
      double score = wNodes * norm(objectives[i][0], minA, maxA) + wSufficiency * norm(objectives[i][1], minT, maxT);
      boolean better = score < bestScore - 1e-12
          || (Math.abs(score - bestScore) <= 1e-12 && (objectives[i][0] < objectives[best][0]
              || (objectives[i][0] == objectives[best][0] && objectives[i][1] < objectives[best][1])));
      if (better) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }

  /** {@code (x - min) / (max - min)}, 0 when {@code max <= min}. */
  public static double norm(double x, double min, double max) {
    return max > min ? (x - min) / (max - min) : 0;
  }
}
