package dev.gpuhub.sim.pollux;

import dev.gpuhub.sim.interactive.Session;
import dev.gpuhub.sim.interactive.SessionPhase;

/** One session's state during a mixed simulation. Mutable; owned by one {@link MixedSimulator}. */
final class SessionSeat {
  final Session session;
  /** Node of the GPU it holds, or -1. */
  int node = -1;
  boolean arrived;
  boolean waiting;
  double askedAt;
  /** Whether it got its first GPU (its phases run from then). */
  boolean started;
  /** Index of its current phase (valid once started). */
  int phase;
  boolean ended;
  /** When it last started holding its GPU idle (the later of an idle phase's start and a grant). */
  double idleSince;
  /** Changes whenever its phase or its GPU changes: an idle-limit check armed earlier is stale then. */
  long epoch;

  SessionSeat(Session session) {
    this.session = session;
  }

  boolean holding() {
    return node >= 0;
  }

  SessionPhase currentPhase() {
    return session.phases().get(phase);
  }

  boolean activeNow() {
    return started && currentPhase().active();
  }
}
