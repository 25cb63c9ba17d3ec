package dev.gpuhub.sim.interactive;

import java.util.List;

/**
 * One synthetic notebook session: it asks for one GPU at {@code arrival} and, once it has it, goes
 * through its phases (offsets from that moment), alternating active and idle, first active; the
 * last phase ends the session.
 *
 * @param id      "session-&lt;n&gt;", n from 0 in arrival order
 * @param arrival seconds from the start of the simulation
 * @param phases  non-empty, contiguous from 0, alternating, first active
 * @param idleTail whether the last phase is a walked-away idle tail (the user left it open)
 */
public record Session(String id, double arrival, List<SessionPhase> phases, boolean idleTail) {
  public Session {
    phases = List.copyOf(phases);
    if (phases.isEmpty() || !phases.get(0).active() || phases.get(0).start() != 0) {
      throw new IllegalArgumentException(id + ": phases must start at 0 with an active one");
    }
    for (int i = 1; i < phases.size(); i++) {
      if (phases.get(i).start() != phases.get(i - 1).end() || phases.get(i).active() == phases.get(i - 1).active()) {
        throw new IllegalArgumentException(id + ": phases must be contiguous and alternate");
      }
    }
  }

  /** Seconds from getting the GPU to the end of the session. */
  public double duration() {
    return phases.get(phases.size() - 1).end();
  }

  /** Seconds of idle phases (tail included). */
  public double idleSeconds() {
    return phases.stream().filter(p -> !p.active()).mapToDouble(SessionPhase::length).sum();
  }
}
