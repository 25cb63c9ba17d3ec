package dev.gpuhub.sim.interactive;

/**
 * The synthetic session model's parameters (seconds). No trace of notebook sessions on GPUs was at
 * hand, so every number is an assumption, stated with its rationale in docs/development.md
 * ("Interactive sessions in the simulator"); they were fixed before any mixed run.
 *
 * @param arrivalWindow     sessions arrive (Poisson) over [0, window): the span over which the
 *                          Pollux workloads' jobs arrive (their last arrival is 27 131–28 775 s)
 * @param meanWorking       mean of the working part (active and idle phases), lognormal
 * @param workingSigma      sigma of that lognormal (spread of session lengths), &gt;= 0
 * @param meanActive        mean active phase (GPU in use), exponential
 * @param meanIdle          mean idle phase inside the working part (reading, editing), exponential
 * @param tailProbability   share of sessions left open after the work ends, in [0, 1]
 * @param meanTail          mean length of such an idle tail, exponential
 */
public record SessionModel(double arrivalWindow, double meanWorking, double workingSigma, double meanActive,
                           double meanIdle, double tailProbability, double meanTail) {
  private static final double HOUR = 3600;

  /** 8 h of arrivals; 2 h of work (sigma 0.75); 20 min active, 10 min idle; a third leave a 2 h tail. */
  public static final SessionModel DEFAULTS = new SessionModel(8 * HOUR, 2 * HOUR, 0.75, 20 * 60, 10 * 60,
      1.0 / 3, 2 * HOUR);

  public SessionModel {
    if (!(arrivalWindow > 0) || !(meanWorking > 0) || !(meanActive > 0) || !(meanIdle > 0) || !(meanTail > 0)) {
      throw new IllegalArgumentException("session model durations must be > 0");
    }
    if (!(workingSigma >= 0)) throw new IllegalArgumentException("working sigma must be >= 0");
    if (!(tailProbability >= 0 && tailProbability <= 1)) {
      throw new IllegalArgumentException("tail probability must be in [0, 1]");
    }
  }

  /** Mean seconds a session holds its GPU when nothing takes it away: working part plus expected tail. */
  public double meanHeld() {
    return meanWorking + tailProbability * meanTail;
  }

  /** Poisson arrival rate (per second) that gives {@code load}'s mean GPUs held at once (Little's law). */
  public double arrivalRate(InteractiveLoad load) {
    return load.meanGpus() / meanHeld();
  }
}
