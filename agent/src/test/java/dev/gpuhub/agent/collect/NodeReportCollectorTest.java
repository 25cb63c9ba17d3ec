package dev.gpuhub.agent.collect;

import static dev.gpuhub.agent.collect.FakeRuntime.container;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.wire.NodeReportParser;
import dev.gpuhub.wire.WireJson;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeReportCollectorTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  @TempDir Path dir;

  private NodeReportCollector collector(String nvidiaSmi, FakeRuntime runtime, String hostname, String ip) {
    return new NodeReportCollector(hostname, ip, 7, new HostMetricsCollector(Duration.ofMillis(50)),
        new NvidiaSmiGpuCollector(nvidiaSmi), new ContainerCounter(runtime), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void assemblesEverySeedFieldAndTheServerAcceptsIt() throws Exception {
    FakeRuntime runtime = new FakeRuntime(List.of(container("jupyter-alice", "img"), container("x", "rayproject/ray")));
    NodeReport report = collector(Fixtures.nvidiaSmiPrinting(dir, "gpus-8.csv").toString(), runtime, "gpu-node-1", "10.0.0.7").get();

    assertThat(report.hostname()).isEqualTo("gpu-node-1");
    assertThat(report.ip()).isEqualTo("10.0.0.7");
    assertThat(report.hasGpu()).isTrue();
    assertThat(report.gpuInfo()).hasSize(8);
    assertThat(report.maxContainers()).isEqualTo(7);
    assertThat(report.isActive()).isTrue();
    assertThat(report.totalContainers()).isEqualTo(2);
    assertThat(report.activeJupyterlab()).isEqualTo(1);
    assertThat(report.activeRay()).isEqualTo(1);
    assertThat(report.lastUpdated()).isEqualTo(NOW);

    JsonNode json = WireJson.mapper().valueToTree(report);
    assertThat(json.fieldNames()).toIterable().contains("hostname", "ip", "cpu_cores", "ram_gb", "cpu_usage_percent",
        "memory_usage_percent", "disk_usage_percent", "has_gpu", "gpu_info", "max_containers", "is_active",
        "total_containers", "active_jupyterlab", "active_ray", "last_updated");
    assertThat(json.get("gpu_info").get(0).fieldNames()).toIterable().containsExactlyInAnyOrder("name", "index", "uuid",
        "memory_total_mb", "memory_used_mb", "memory_util_percent", "utilization_gpu_percent", "temperature_gpu", "processes");
    assertThat(json.get("last_updated").asText()).isEqualTo("2026-03-01T12:00:00Z");
    assertThat(NodeReportParser.parse(json)).isEqualTo(report);
  }

  @Test
  void cpuOnlyNodeWithoutDockerStillReports() {
    FakeRuntime runtime = new FakeRuntime(List.of());
    runtime.goAway();
    NodeReport report = collector(dir.resolve("absent").toString(), runtime, null, null).get();

    assertThat(report.hasGpu()).isFalse();
    assertThat(report.gpuInfo()).isEmpty();
    assertThat(report.totalContainers()).isZero();
    assertThat(report.hostname()).isNotBlank();
    assertThat(report.ip()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    assertThat(NodeReportParser.parse(WireJson.mapper().valueToTree(report))).isEqualTo(report);
  }
}
