package dev.gpuhub.core.placement;

import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.NodeReport;
import java.time.Instant;
import java.util.List;

/** Test builder for node reports (Nomad's mock.Node()). */
final class Nodes {
  private String hostname = "node";
  private int cores = 8;
  private double ramGb = 32;
  private Double cpu = 10.0;
  private Double memory = 10.0;
  private int gpus = 0;
  private int maxContainers = 10;
  private int containers = 0;
  private boolean active = true;

  static Nodes node(String hostname) {
    Nodes n = new Nodes();
    n.hostname = hostname;
    return n;
  }

  Nodes usage(Double cpu, Double memory) {
    this.cpu = cpu;
    this.memory = memory;
    return this;
  }

  Nodes cores(int cores) {
    this.cores = cores;
    return this;
  }

  Nodes ram(double gb) {
    this.ramGb = gb;
    return this;
  }

  Nodes gpus(int n) {
    this.gpus = n;
    return this;
  }

  Nodes containers(int running, int max) {
    this.containers = running;
    this.maxContainers = max;
    return this;
  }

  Nodes inactive() {
    this.active = false;
    return this;
  }

  NodeReport build() {
    List<GpuDevice> devices = new java.util.ArrayList<>();
    for (int i = 0; i < gpus; i++) {
      devices.add(new GpuDevice("NVIDIA A100", i, "GPU-" + hostname + "-" + i, 40960L, 0L, 0.0, 0.0, 30.0));
    }
    return new NodeReport(hostname, "127.0.0.1", cores, ramGb, cpu, memory, 50.0, gpus > 0, devices,
        maxContainers, active, containers, 0, 0, Instant.parse("2026-01-01T00:00:00Z"));
  }
}
