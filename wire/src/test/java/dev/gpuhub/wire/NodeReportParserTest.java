package dev.gpuhub.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.node.NodeReport;
import org.junit.jupiter.api.Test;

class NodeReportParserTest {
  // The seed's own log of a registration (seed 000, Kode Sumber 4.1).
  private static final String SEED_PAYLOAD = """
      {"hostname": "rpl", "ip": "10.21.73.139", "cpu_cores": 24,
       "gpu_info": [{"name": "NVIDIA GeForce RTX 3080 Ti", "index": 0,
         "uuid": "GPU-56c3e796-124e-f059-16a8-f9be2b254ce0", "memory_total_mb": 12288,
         "memory_used_mb": 10547, "memory_util_percent": 85.83, "utilization_gpu_percent": 0,
         "temperature_gpu": 31}],
       "has_gpu": true, "ram_gb": 67.11, "max_containers": 10, "is_active": true,
       "cpu_usage_percent": 0.9, "memory_usage_percent": 15.3, "disk_usage_percent": 57.0,
       "active_jupyterlab": 5, "total_containers": 9, "last_updated": "2025-07-10T08:52:40.819686Z"}
      """;

  private static JsonNode json(String s) throws Exception {
    return WireJson.mapper().readTree(s);
  }

  @Test
  void parsesTheSeedsPayloadAndWritesItBackWithSeedNames() throws Exception {
    NodeReport r = NodeReportParser.parse(json(SEED_PAYLOAD));
    assertThat(r.hostname()).isEqualTo("rpl");
    assertThat(r.cpuCores()).isEqualTo(24);
    assertThat(r.gpuInfo()).singleElement().satisfies(g -> {
      assertThat(g.uuid()).isEqualTo("GPU-56c3e796-124e-f059-16a8-f9be2b254ce0");
      assertThat(g.memoryTotalMb()).isEqualTo(12288L);
    });
    assertThat(r.activeRay()).isZero();
    JsonNode back = WireJson.mapper().valueToTree(r);
    assertThat(back.fieldNames()).toIterable().contains("hostname", "ip", "cpu_cores", "ram_gb",
        "cpu_usage_percent", "memory_usage_percent", "disk_usage_percent", "has_gpu", "gpu_info",
        "max_containers", "is_active", "total_containers", "active_jupyterlab", "active_ray", "last_updated");
    assertThat(back.get("gpu_info").get(0).fieldNames()).toIterable().containsExactlyInAnyOrder("name", "index",
        "uuid", "memory_total_mb", "memory_used_mb", "memory_util_percent", "utilization_gpu_percent", "temperature_gpu",
        "processes");
    assertThat(r.gpuInfo().get(0).processes()).as("the seed's agent does not list processes").isNull();
    assertThat(NodeReportParser.parse(back)).isEqualTo(r);
  }

  @Test
  void gpuProcessesRoundTripAndBadOnesNameTheField() throws Exception {
    String container = "4f1c2b3a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";
    String base = "\"hostname\":\"a\",\"ip\":\"127.0.0.1\",\"cpu_cores\":2,\"ram_gb\":4,\"gpu_info\":[{\"name\":\"x\","
        + "\"index\":0,\"uuid\":\"GPU-1\",\"processes\":";
    NodeReport r = NodeReportParser.parse(json("{" + base + "[{\"pid\":4101,\"used_memory_mb\":1024,\"container\":\""
        + container + "\"},{\"pid\":7,\"used_memory_mb\":null,\"container\":null}]}]}"));
    assertThat(r.gpuInfo().get(0).processes()).containsExactly(
        new dev.gpuhub.core.node.GpuProcess(4101, 1024L, container), new dev.gpuhub.core.node.GpuProcess(7, null, null));
    assertThat(NodeReportParser.parse(WireJson.mapper().valueToTree(r))).isEqualTo(r);
    assertThat(NodeReportParser.parse(json("{" + base + "[]}]}")).gpuInfo().get(0).processes()).isEmpty();
    assertThatThrownBy(() -> NodeReportParser.parse(json("{" + base + "{}}]}")))
        .hasMessage("field 'gpu_info[0].processes' must be an array, got an object");
    assertThatThrownBy(() -> NodeReportParser.parse(json("{" + base + "[{\"pid\":0}]}]}")))
        .hasMessageContaining("field 'gpu_info[0].processes[0].pid'");
    assertThatThrownBy(() -> NodeReportParser.parse(json("{" + base + "[{\"pid\":5,\"container\":\"../etc\"}]}]}")))
        .hasMessageContaining("field 'gpu_info[0].processes[0].container'").hasMessageContaining("container id");
  }

  @Test
  void appliesDefaultsToOptionalFields() throws Exception {
    NodeReport r = NodeReportParser.parse(json("{\"hostname\":\"a\",\"ip\":\"127.0.0.1\",\"cpu_cores\":2,\"ram_gb\":4}"));
    assertThat(r.maxContainers()).isEqualTo(10);
    assertThat(r.isActive()).isTrue();
    assertThat(r.hasGpu()).isFalse();
    assertThat(r.cpuUsagePercent()).isNull();
  }

  @Test
  void imagesRoundTripAndBadOnesNameTheField() throws Exception {
    String base = "\"hostname\":\"a\",\"ip\":\"127.0.0.1\",\"cpu_cores\":2,\"ram_gb\":4";
    NodeReport r = NodeReportParser.parse(json("{" + base + ",\"images\":[\"gpuhub-notebook:latest\",\"lab/cuda:12.4\"]}"));
    assertThat(r.images()).containsExactly("gpuhub-notebook:latest", "lab/cuda:12.4");
    assertThat(r.hasImage("lab/cuda:12.4")).isTrue();
    assertThat(NodeReportParser.parse(WireJson.mapper().valueToTree(r))).isEqualTo(r);
    assertThat(NodeReportParser.parse(json("{" + base + "}")).images()).as("not reported").isNull();
    assertThatThrownBy(() -> NodeReportParser.parse(json("{" + base + ",\"images\":[\"bad image\"]}")))
        .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("field 'images'");
    assertThatThrownBy(() -> NodeReportParser.parse(json("{" + base + ",\"images\":\"x:1\"}")))
        .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("images");
  }

  @Test
  void managedContainersRoundTripAndCannotExceedTheTotal() throws Exception {
    String base = "\"hostname\":\"a\",\"ip\":\"127.0.0.1\",\"cpu_cores\":2,\"ram_gb\":4,\"total_containers\":3";
    NodeReport r = NodeReportParser.parse(json("{" + base + ",\"managed_containers\":2}"));
    assertThat(r.managedContainers()).isEqualTo(2);
    assertThat(NodeReportParser.parse(WireJson.mapper().valueToTree(r))).isEqualTo(r);
    assertThat(NodeReportParser.parse(json("{" + base + "}")).managedContainers()).isNull();
    assertThatThrownBy(() -> NodeReportParser.parse(json("{" + base + ",\"managed_containers\":4}")))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessage("field 'managed_containers' is 4 but total_containers is only 3");
  }

  @Test
  void namesTheOffendingField() {
    String base = "\"hostname\":\"a\",\"ip\":\"127.0.0.1\",\"cpu_cores\":2,\"ram_gb\":4";
    assertThatThrownBy(() -> NodeReportParser.parse(json("{\"ip\":\"127.0.0.1\",\"cpu_cores\":2,\"ram_gb\":4}")))
        .isInstanceOf(InvalidPayloadException.class).hasMessage("field 'hostname' is required");
    assertThatThrownBy(() -> NodeReportParser.parse(json("{" + base.replace("\"cpu_cores\":2", "\"cpu_cores\":\"2\"") + "}")))
        .hasMessage("field 'cpu_cores' must be an integer, got a string");
    assertThatThrownBy(() -> NodeReportParser.parse(json("{" + base + ",\"cpu_usage_percent\":101}")))
        .hasMessage("field 'cpu_usage_percent' must be between 0 and 100, got 101");
    assertThatThrownBy(() -> NodeReportParser.parse(json("{" + base + ",\"memory_usage_percent\":-0.5}")))
        .satisfies(e -> assertThat(((InvalidPayloadException) e).field()).isEqualTo("memory_usage_percent"));
    assertThatThrownBy(() -> NodeReportParser.parse(json("{" + base + ",\"gpu_info\":[{\"name\":\"x\",\"index\":0}]}")))
        .hasMessage("field 'gpu_info[0].uuid' is required");
    assertThatThrownBy(() -> NodeReportParser.parse(json("{" + base.replace("127.0.0.1", "999.1.1.1") + "}")))
        .hasMessageContaining("field 'ip'");
    assertThatThrownBy(() -> NodeReportParser.parse(json("{" + base.replace("\"a\"", "\"a:b\"") + "}")))
        .hasMessageContaining("field 'hostname'");
    assertThatThrownBy(() -> NodeReportParser.parse(json("[1,2]")))
        .hasMessage("body must be a JSON object, got an array");
  }

  @Test
  void aReportWithGpusAndProcessesReadsBackFromItsStoredJson() throws Exception {
    NodeReport r = NodeReportParser.parse(json(SEED_PAYLOAD));
    NodeReport withProcesses = new NodeReport(r.hostname(), r.ip(), r.cpuCores(), r.ramGb(), r.cpuUsagePercent(),
        r.memoryUsagePercent(), r.diskUsagePercent(), r.hasGpu(), java.util.List.of(r.gpuInfo().get(0).withProcesses(
            java.util.List.of(new dev.gpuhub.core.node.GpuProcess(7, 10L, "ab".repeat(32))))), r.maxContainers(), r.isActive(),
        r.totalContainers(), r.activeJupyterlab(), r.activeRay(), r.lastUpdated());
    for (NodeReport report : java.util.List.of(r, withProcesses)) {
      String stored = WireJson.mapper().writeValueAsString(report); // as the Redis live state keeps it
      assertThat(WireJson.mapper().readValue(stored, NodeReport.class)).isEqualTo(report);
    }
  }
}
