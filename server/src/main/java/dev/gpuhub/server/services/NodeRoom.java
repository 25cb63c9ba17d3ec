package dev.gpuhub.server.services;

/** What a live node offers service replicas: cpu and memory not reserved by anything but services. */
public record NodeRoom(String hostname, int cpuMillicores, int memoryMb) {}
