package dev.gpuhub.wire.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.WireJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeApiJsonTest {
  private static final ContainerRequest FULL = new ContainerRequest("gpuhub-alice", "gpuhub-notebook:latest",
      List.of("python3", "-m", "notebook"), Map.of("JUPYTERHUB_USER", "alice"), Map.of("gpuhub.user", "alice"),
      2.5, 2147483648L, List.of("GPU-aaaa", "GPU-bbbb"), List.of(9001, 9002)).withGuarantees(0.5, 1073741824L);

  private static ContainerRequest read(String json) {
    return NodeApiJson.readRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aRequestSurvivesTheRoundTrip() {
    assertThat(read(NodeApiJson.write(FULL))).isEqualTo(FULL);
    ContainerRequest bare = new ContainerRequest("ab", "img", null, null, null, 0, 0, null, null);
    assertThat(read(NodeApiJson.write(bare))).isEqualTo(bare);
  }

  @Test
  void theWrittenBodyUsesTheDocumentedFieldNames() throws Exception {
    var json = WireJson.mapper().readTree(NodeApiJson.write(FULL));
    List<String> names = new java.util.ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyInAnyOrderElementsOf(NodeApiJson.REQUEST_FIELDS);
    assertThat(json.get("memory_bytes").asLong()).isEqualTo(2147483648L);
  }

  @Test
  void aViewSurvivesTheRoundTripAlsoInAList() {
    ContainerView running = new ContainerView("abc123", "gpuhub-alice", "img", "running", null,
        Instant.parse("2026-12-03T10:15:30Z"), Map.of("gpuhub.kind", "server"));
    ContainerView exited = new ContainerView("def456", "gpuhub-bob", "img", "exited", 137, null, Map.of());
    assertThat(NodeApiJson.readView(NodeApiJson.toJson(running))).isEqualTo(running);
    assertThat(NodeApiJson.readList(NodeApiJson.listJson(List.of(running, exited)))).containsExactly(running, exited);
    assertThat(running.running()).isTrue();
    assertThat(exited.running()).isFalse();
  }

  @Test
  void viewsFromNewerAgentsMayCarryMoreFields() throws Exception {
    var json = WireJson.mapper().readTree("{\"id\": \"x1\", \"state\": \"running\", \"cgroup\": \"/a\"}");
    assertThat(NodeApiJson.readView(json).id()).isEqualTo("x1");
  }

  @Test
  void onlyNameAndImageAreRequiredAndNullMeansAbsent() {
    assertThat(read("{\"name\": \"ab\", \"image\": \"img\", \"command\": null, \"cpus\": null}"))
        .isEqualTo(new ContainerRequest("ab", "img", List.of(), Map.of(), Map.of(), 0, 0, List.of(), List.of()));
  }

  @Test
  void badRequestsNameTheirField() {
    assertField("{\"image\": \"img\"}", "name", "is required");
    assertField("{\"name\": 7, \"image\": \"img\"}", "name", "must be a string");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"command\": \"sleep 1\"}", "command", "array of strings");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"command\": [\"sleep\", 1]}", "command", "array of strings");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"env\": {\"A\": 1}}", "env", "env.A is an integer");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"labels\": []}", "labels", "object");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"cpus\": \"2\"}", "cpus", "number");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"memory_bytes\": 1.5e9}", "memory_bytes", "integer");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"memory_bytes\": 1e30}", "memory_bytes", "integer");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"memory\": 1024}", "memory", "unknown field 'memory'");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"ports\": [0]}", "ports", "whole numbers from 1 to 65535");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"ports\": [\"80\"]}", "ports", "whole numbers");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"ports\": 80}", "ports", "whole numbers");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"network_mode\": \"host\"}", "network_mode", "unknown field");
  }

  @Test
  void bodiesThatAreNotObjectsAreRefusedWithoutAField() {
    for (String body : new String[] {"", "[]", "\"x\"", "{", "{\"name\": }"}) {
      assertThatThrownBy(() -> read(body)).isInstanceOfSatisfying(InvalidPayloadException.class,
          e -> assertThat(e.field()).isNull());
    }
  }

  private static void assertField(String body, String field, String message) {
    assertThatThrownBy(() -> read(body)).isInstanceOfSatisfying(InvalidPayloadException.class,
        e -> assertThat(e.field()).isEqualTo(field)).hasMessageContaining(message);
  }
}
