package dev.gpuhub.server.hub.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerModeTest {
  @Test
  void parsesProfilesToCommandsAndFillsThePlaceholders() {
    Map<String, WorkerMode> modes = WorkerMode.parse("""
        {"multi-cpu": {"head_command": "ray start --head --port={port} --block",
                       "worker_command": "ray start --address={primary_ip}:{port} --block # {node} {user}"},
         "multi-gpu": {"worker_command": "w {node}"}}""");
    assertThat(modes).containsOnlyKeys("multi-cpu", "multi-gpu");
    assertThat(modes.get("multi-gpu").headCommand()).isNull();
    assertThat(WorkerMode.shell(modes.get("multi-cpu").workerCommand(), "10.0.0.1", 6379, "node-b", "alice"))
        .isEqualTo(List.of("sh", "-c", "ray start --address=10.0.0.1:6379 --block # node-b alice"));
    assertThat(WorkerMode.containerName(dev.gpuhub.core.hub.ServerId.defaultOf("alice"), "node-b")).isEqualTo("gpuhub-alice-worker-node-b");
  }

  @Test
  void blankMeansNoneAndBadConfigurationIsRefusedAtStart() {
    assertThat(WorkerMode.parse(null)).isEmpty();
    assertThat(WorkerMode.parse(" ")).isEmpty();
    assertThatThrownBy(() -> WorkerMode.parse("[1]")).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> WorkerMode.parse("{not json")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> WorkerMode.parse("{\"p\": {\"head_command\": \"h\"}}"))
        .hasMessageContaining("profile p").hasMessageContaining("worker_command");
    assertThatThrownBy(() -> SpawnerConfig.fromEnv(Map.of("GPUHUB_WORKER_PROFILES", "{\"p\": {}}")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(SpawnerConfig.fromEnv(Map.of()).workerModes()).isEmpty();
  }
}
