package dev.gpuhub.core.goodput;

/**
 * Gradient statistics a job reports (Pollux, SPEC §5): {@code sqr} = mu^2, the squared norm of the
 * true gradient, and {@code var} = sigma^2, the variance of the per-batch gradient at the initial
 * batch size. Their ratio gives the gradient noise scale {@code phi = m0 * var / sqr}.
 *
 * @param sqr mu^2, finite and &gt;= 0
 * @param var sigma^2, finite and &gt;= 0
 */
public record GradParams(double sqr, double var) {
  public GradParams {
    if (!(sqr >= 0) || Double.isInfinite(sqr)) throw new IllegalArgumentException("sqr must be finite and >= 0, was " + sqr);
    if (!(var >= 0) || Double.isInfinite(var)) throw new IllegalArgumentException("var must be finite and >= 0, was " + var);
  }
}
