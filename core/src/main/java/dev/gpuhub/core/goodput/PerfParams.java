package dev.gpuhub.core.goodput;

/**
 * Parameters of the Pollux throughput model (Qiao et al., OSDI'21; SPEC §5), all in seconds.
 *
 * <pre>
 *   T_grad(m)    = alphaC + betaC * m                          time of one forward/backward pass on m samples
 *   T_sync(N, K) = 0                                   K = 1  one replica: nothing to all-reduce
 *                = alphaR + betaR * (K - 2)            N = 1  all replicas on one node (local links)
 *                = alphaN + betaN * (K - 2)            N > 1  replicas on several nodes (network)
 *   T_optim      = (T_grad^gamma + T_sync^gamma)^(1/gamma)      gamma = 1: no overlap, gamma -> inf: full overlap
 *   T_step       = s * T_grad + T_optim                         s gradient-accumulation steps before the optimiser step
 * </pre>
 *
 * The retrogression terms use {@code max(K - 2, 0)}: with two replicas a ring all-reduce has no
 * extra rounds.
 *
 * @param alphaC constant term of the compute (forward/backward) time, &gt;= 0
 * @param betaC  compute time per sample of the local (atomic) batch, &gt;= 0
 * @param alphaN constant term of the inter-node sync time, &gt;= 0
 * @param betaN  inter-node sync time per replica beyond two, &gt;= 0
 * @param alphaR constant term of the intra-node (local) sync time, &gt;= 0
 * @param betaR  intra-node sync time per replica beyond two, &gt;= 0
 * @param gamma  overlap exponent of compute and sync, in [1, 10]
 */
public record PerfParams(double alphaC, double betaC, double alphaN, double betaN, double alphaR, double betaR,
                         double gamma) {
  /** Smallest overlap exponent: compute and sync add up. */
  public static final double MIN_GAMMA = 1.0;
  /** Largest overlap exponent: close enough to max(T_grad, T_sync). */
  public static final double MAX_GAMMA = 10.0;

  public PerfParams {
    requireNonNegative("alphaC", alphaC);
    requireNonNegative("betaC", betaC);
    requireNonNegative("alphaN", alphaN);
    requireNonNegative("betaN", betaN);
    requireNonNegative("alphaR", alphaR);
    requireNonNegative("betaR", betaR);
    if (!(gamma >= MIN_GAMMA && gamma <= MAX_GAMMA)) {
      throw new IllegalArgumentException("gamma must be in [1, 10], was " + gamma);
    }
    if (alphaC + betaC <= 0) {
      throw new IllegalArgumentException("alphaC + betaC must be > 0: a step cannot take no time");
    }
  }

  /** T_grad: seconds of one forward/backward pass over {@code atomicBsz} samples on one replica. */
  public double gradTime(double atomicBsz) {
    return alphaC + betaC * atomicBsz;
  }

  /** T_sync: seconds of the gradient all-reduce for {@code replicas} replicas over {@code nodes} nodes. */
  public double syncTime(int nodes, int replicas) {
    if (replicas <= 1) return 0.0;
    double extra = Math.max(replicas - 2, 0);
    return nodes > 1 ? alphaN + betaN * extra : alphaR + betaR * extra;
  }

  /** T_optim: seconds of the step that ends with the optimiser update (compute overlapped with sync). */
  public double optimStepTime(int nodes, int replicas, double atomicBsz) {
    return Math.exp(logOverlap(gradTime(atomicBsz), syncTime(nodes, replicas), gamma));
  }

  /** T_step: seconds of one optimiser step with {@code accumSteps} extra accumulation passes first. */
  public double stepTime(int nodes, int replicas, double atomicBsz, int accumSteps) {
    return accumSteps * gradTime(atomicBsz) + optimStepTime(nodes, replicas, atomicBsz);
  }

  /**
   * log((a^g + b^g)^(1/g)) computed without overflow or underflow for any a &gt; 0, b &gt;= 0, g in
   * [1, 10].
   */
  static double logOverlap(double a, double b, double g) {
    if (b <= 0) return Math.log(a);
    double la = Math.log(a);
    double lb = Math.log(b);
    double hi = Math.max(la, lb);
    return hi + Math.log1p(Math.exp(-g * Math.abs(la - lb))) / g;
  }

  private static void requireNonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be a finite number >= 0, was " + value);
    }
  }
}
