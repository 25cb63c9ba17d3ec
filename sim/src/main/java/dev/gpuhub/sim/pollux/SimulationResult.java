package dev.gpuhub.sim.pollux;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one simulation.
 *
 * @param jcts             job name to completion time - submission time (seconds), in workload order
 * @param simulatedSeconds simulated clock at the end
 * @param restarts         re-allocations of running jobs, summed over jobs (first starts not counted)
 * @param wallMillis       wall-clock time of the run
 */
public record SimulationResult(Map<String, Double> jcts, double simulatedSeconds, long restarts, long wallMillis) {
  public SimulationResult {
    jcts = Collections.unmodifiableMap(new LinkedHashMap<>(jcts));
  }

  public double averageJct() {
    return jcts.values().stream().mapToDouble(Double::doubleValue).average().orElse(0.0);
  }
}
