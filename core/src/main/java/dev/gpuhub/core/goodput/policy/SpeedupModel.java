package dev.gpuhub.core.goodput.policy;

/**
 * A job's speedup on {@code replicas} GPUs spread over {@code nodes} physical nodes, relative to
 * one GPU (Pollux: best goodput there / best goodput on one GPU). 0 replicas give 0.
 */
@FunctionalInterface
public interface SpeedupModel {
  double speedup(int nodes, int replicas);
}
