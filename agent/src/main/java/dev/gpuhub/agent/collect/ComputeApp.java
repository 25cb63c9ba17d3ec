package dev.gpuhub.agent.collect;

/**
 * One line of {@code nvidia-smi --query-compute-apps}: a process using a GPU.
 *
 * @param gpuUuid      the GPU it uses
 * @param pid          its process id in the node's pid namespace
 * @param usedMemoryMb GPU memory it uses, {@code null} when the driver does not say
 */
record ComputeApp(String gpuUuid, int pid, Long usedMemoryMb) {}
