package dev.gpuhub.core.goodput.policy;

/** Oracle knowledge (Optimus+Oracle): seconds a job still needs on {@code replicas} GPUs. */
@FunctionalInterface
public interface RemainingTime {
  double seconds(int replicas);
}
