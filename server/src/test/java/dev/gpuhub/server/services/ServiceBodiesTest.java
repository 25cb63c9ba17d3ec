package dev.gpuhub.server.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpuhub.core.service.ServiceSpec;
import dev.gpuhub.wire.InvalidPayloadException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceBodiesTest {
  private static final ObjectMapper M = new ObjectMapper();

  @Test
  void createTakesDefaultsAndUpdateMergesBounds() throws Exception {
    ServiceSpec s = ServiceBodies.forCreate(M.readTree("{\"name\":\"vote\",\"image\":\"vote:1\",\"request_threshold\":130,"
        + "\"command\":\"python3 -m http.server {port}\",\"cpu_millicores\":300,\"max_replicas\":8,\"strategy\":\"least_connections\"}"));
    assertThat(s).isEqualTo(new ServiceSpec("vote", "vote:1", List.of("python3", "-m", "http.server", "{port}"), 300, 128,
        130, 1, 8, "least_connections"));
    ServiceSpec bounded = ServiceBodies.forUpdate(M.readTree("{\"min_replicas\":2,\"max_replicas\":3}"), s);
    assertThat(bounded.minReplicas()).isEqualTo(2);
    assertThat(bounded.maxReplicas()).isEqualTo(3);
    assertThat(bounded.image()).isEqualTo("vote:1");
  }

  @Test
  void badBodiesNameTheField() {
    assertThatThrownBy(() -> ServiceBodies.forCreate(M.readTree("{\"name\":\"vote\",\"request_threshold\":1}")))
        .isInstanceOf(InvalidPayloadException.class).hasMessage("field 'image' is required");
    assertThatThrownBy(() -> ServiceBodies.forCreate(M.readTree("{\"name\":\"Vote!\",\"image\":\"x\",\"request_threshold\":1}")))
        .hasMessageContaining("field 'name'");
    assertThatThrownBy(() -> ServiceBodies.forCreate(M.readTree(
        "{\"name\":\"v\",\"image\":\"x\",\"request_threshold\":1,\"min_replicas\":3,\"max_replicas\":2}")))
        .hasMessage("field 'max_replicas' must be at least min_replicas (3), got 2");
    assertThatThrownBy(() -> ServiceBodies.forCreate(M.readTree(
        "{\"name\":\"v\",\"image\":\"x\",\"request_threshold\":1,\"strategy\":\"fastest\"}")))
        .hasMessageContaining("field 'strategy' must be one of [round_robin, least_connections]");
    assertThatThrownBy(() -> ServiceBodies.forCreate(M.readTree(
        "{\"name\":\"v\",\"image\":\"x\",\"request_threshold\":-1}"))).hasMessageContaining("field 'request_threshold'");
    assertThatThrownBy(() -> ServiceBodies.forCreate(M.readTree(
        "{\"name\":\"v\",\"image\":\"x\",\"request_threshold\":1,\"command\":[1]}"))).hasMessage("field 'command[0]' must be a string");
  }
}
