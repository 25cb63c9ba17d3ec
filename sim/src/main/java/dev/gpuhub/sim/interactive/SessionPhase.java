package dev.gpuhub.sim.interactive;

/**
 * One stretch of a session: the GPU in use ({@code active}) or held at 0 % ({@code !active}).
 * Times are seconds from the moment the session first got its GPU.
 *
 * @param active whether the GPU is in use
 * @param start  offset of the phase's start, &gt;= 0
 * @param end    offset of its end, &gt; start
 */
public record SessionPhase(boolean active, double start, double end) {
  public SessionPhase {
    if (!(start >= 0) || !(end > start)) throw new IllegalArgumentException("need 0 <= start < end, was " + start + ".." + end);
  }

  public double length() {
    return end - start;
  }
}
