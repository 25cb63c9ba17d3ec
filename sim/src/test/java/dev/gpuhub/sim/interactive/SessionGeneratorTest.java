package dev.gpuhub.sim.interactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The synthetic session draw: reproducible, well-formed, and at the rates the model states. */
class SessionGeneratorTest {
  private static final SessionModel MODEL = SessionModel.DEFAULTS;

  @Test
  void theSameSeedGivesTheSameSessionsAndAnotherSeedOthers() {
    List<Session> a = SessionGenerator.generate(MODEL, InteractiveLoad.MID, 1);
    List<Session> b = SessionGenerator.generate(MODEL, InteractiveLoad.MID, 1);
    List<Session> c = SessionGenerator.generate(MODEL, InteractiveLoad.MID, 2);
    assertThat(a).isNotEmpty().isEqualTo(b);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void sessionsArriveInOrderInsideTheWindowWithAlternatingPhasesFromActive() {
    List<Session> sessions = SessionGenerator.generate(MODEL, InteractiveLoad.HIGH, 7);
    double last = 0;
    for (int i = 0; i < sessions.size(); i++) {
      Session s = sessions.get(i);
      assertThat(s.id()).isEqualTo("session-" + i);
      assertThat(s.arrival()).isGreaterThanOrEqualTo(last).isLessThan(MODEL.arrivalWindow());
      last = s.arrival();
      assertThat(s.phases().get(0).active()).isTrue();
      for (int p = 1; p < s.phases().size(); p++) {
        assertThat(s.phases().get(p).active()).isNotEqualTo(s.phases().get(p - 1).active());
        assertThat(s.phases().get(p).start()).isEqualTo(s.phases().get(p - 1).end());
      }
      if (s.idleTail()) assertThat(s.phases().get(s.phases().size() - 1).active()).isFalse();
    }
  }

  @Test
  void overManySeedsCountsHoldingTimeIdleShareAndTailsMatchTheModel() {
    int seeds = 400;
    double sessions = 0;
    double held = 0;
    double idle = 0;
    double tails = 0;
    for (long seed = 1; seed <= seeds; seed++) {
      for (Session s : SessionGenerator.generate(MODEL, InteractiveLoad.MID, seed)) {
        sessions++;
        held += s.duration();
        idle += s.idleSeconds();
        if (s.idleTail()) tails++;
      }
    }
    // Little's law: rate x window sessions, each holding meanHeld on average.
    double expectedCount = MODEL.arrivalRate(InteractiveLoad.MID) * MODEL.arrivalWindow();
    assertThat(expectedCount).isCloseTo(16 * 8 / (2 + 2.0 / 3), within(1e-9));
    assertThat(sessions / seeds).isCloseTo(expectedCount, within(0.02 * expectedCount));
    assertThat(held / sessions).isCloseTo(MODEL.meanHeld(), within(0.03 * MODEL.meanHeld()));
    assertThat(tails / sessions).isCloseTo(1.0 / 3, within(0.02));
    // Idle: a third of the working part (10 of every 30 min) plus the tails.
    double expectedIdle = MODEL.meanWorking() / 3 + MODEL.tailProbability() * MODEL.meanTail();
    assertThat(idle / sessions).isCloseTo(expectedIdle, within(0.05 * expectedIdle));
  }

  @Test
  void higherLoadsDrawProportionallyMoreSessions() {
    assertThat(MODEL.arrivalRate(InteractiveLoad.MID)).isCloseTo(2 * MODEL.arrivalRate(InteractiveLoad.LOW), within(1e-12));
    assertThat(MODEL.arrivalRate(InteractiveLoad.HIGH)).isCloseTo(3 * MODEL.arrivalRate(InteractiveLoad.LOW), within(1e-12));
  }
}
