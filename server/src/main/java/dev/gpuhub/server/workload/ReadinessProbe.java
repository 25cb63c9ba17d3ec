package dev.gpuhub.server.workload;

/**
 * One attempt to reach a starting container. Implementations answer quickly (a couple of seconds
 * at most) and never throw for a container that is simply not listening yet.
 */
@FunctionalInterface
public interface ReadinessProbe {
  /**
   * Whether the container answers as {@code readiness} asks, right now.
   *
   * @throws InterruptedException when the calling thread is interrupted
   */
  boolean answers(Readiness readiness) throws InterruptedException;
}
