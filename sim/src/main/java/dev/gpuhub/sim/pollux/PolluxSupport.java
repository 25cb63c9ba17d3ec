package dev.gpuhub.sim.pollux;

import dev.gpuhub.core.goodput.policy.Metric;
import dev.gpuhub.core.goodput.policy.PolluxPolicy;
import dev.gpuhub.core.goodput.policy.SchedulingPolicy;

/** Wires core's Pollux model ({@link PolluxJobModel}) and policy ({@link PolluxPolicy}) into the simulator. */
final class PolluxSupport {
  private PolluxSupport() {}

  static AdaptiveModel model(Application app, Metric metric) {
    return new PolluxJobModel(app, metric);
  }

  /** Core's policy with the simulator's restart penalty as its restart delay; seed 0 (deterministic runs). */
  static SchedulingPolicy policy(SimConfig config) {
    return new PolluxPolicy(PolluxPolicy.Config.DEFAULTS.withRestartDelaySeconds(config.restartPenalty()), 0L);
  }
}
