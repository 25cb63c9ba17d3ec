package dev.gpuhub.core.replicas;

/** A machine that can host replicas: its capacity {@code cap_l} in CPU millicores and memory MB (SPEC §6). */
public record ReplicaNode(String name, double cpuMillicores, double memoryMb) {}
