package dev.gpuhub.sim.pollux;

/**
 * One row of a workload CSV ({@code name,time,application,num_replicas,batch_size}).
 *
 * @param name        job name, unique in the workload
 * @param time        submission time, seconds from the start of the simulation
 * @param application model name: a folder under traces/
 * @param numReplicas GPUs the user asked for (the non-adaptive baselines use exactly this)
 * @param batchSize   total batch size the user asked for (the non-adaptive baselines use it)
 * @param line        1-based line in the workload file (for error messages)
 */
public record WorkloadJob(String name, int time, String application, int numReplicas, int batchSize, int line) {}
