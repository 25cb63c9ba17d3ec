package dev.gpuhub.sim.interactive;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws a reproducible list of sessions: Poisson arrivals over the model's window at the load's
 * rate; per session a lognormal working part made of alternating exponential active and idle phases
 * (first active, the last one cut at the working part's end), then, with the tail probability, an
 * exponential idle tail (joined to a last idle phase, so the idle stretch counts as one). Pure: the
 * same (model, load, seed) always gives the same sessions ({@link Random} is specified to the bit).
 */
public final class SessionGenerator {
  private SessionGenerator() {}

  public static List<Session> generate(SessionModel model, InteractiveLoad load, long seed) {
    Random random = new Random(seed);
    double rate = model.arrivalRate(load);
    List<Session> sessions = new ArrayList<>();
    double t = 0;
    while (true) {
      t += exponential(random, 1 / rate);
      if (t >= model.arrivalWindow()) break;
      sessions.add(session("session-" + sessions.size(), t, model, random));
    }
    return sessions;
  }

  static Session session(String id, double arrival, SessionModel model, Random random) {
    double sigma = model.workingSigma();
    double mu = Math.log(model.meanWorking()) - sigma * sigma / 2;
    double working = Math.exp(mu + sigma * random.nextGaussian());
    List<SessionPhase> phases = new ArrayList<>();
    double at = 0;
    boolean active = true;
    while (at < working) {
      double end = Math.min(working, at + exponential(random, active ? model.meanActive() : model.meanIdle()));
      if (end > at) phases.add(new SessionPhase(active, at, end));
      at = end;
      active = !active;
    }
    boolean tail = random.nextDouble() < model.tailProbability();
    if (tail) {
      double length = exponential(random, model.meanTail());
      SessionPhase last = phases.get(phases.size() - 1);
      if (!last.active()) phases.set(phases.size() - 1, new SessionPhase(false, last.start(), last.end() + length));
      else if (length > 0) phases.add(new SessionPhase(false, last.end(), last.end() + length));
    }
    return new Session(id, arrival, phases, tail);
  }

  /** An exponential draw with this mean (inverse transform; never negative). */
  static double exponential(Random random, double mean) {
    return -mean * Math.log(1 - random.nextDouble());
  }
}
