package dev.gpuhub.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.runtime.ContainerSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerSpecJsonTest {

  private static ContainerSpec parse(String json) {
    return ContainerSpecJson.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsEveryField() {
    ContainerSpec spec = parse("""
        {"name": "jupyter-alice", "image": "gpuhub-notebook:latest",
         "command": ["python3", "-m", "notebook"], "env": {"JUPYTERHUB_USER": "alice"},
         "labels": {"gpuhub.user": "alice"}, "cpus": 2.5, "memory_bytes": 2147483648,
         "gpu_device_uuids": ["GPU-aaaa", "GPU-bbbb"], "ports": [9001]}""");
    assertThat(spec).isEqualTo(new ContainerSpec("jupyter-alice", "gpuhub-notebook:latest",
        List.of("python3", "-m", "notebook"), Map.of("JUPYTERHUB_USER", "alice"), Map.of("gpuhub.user", "alice"),
        2.5, 2147483648L, List.of("GPU-aaaa", "GPU-bbbb"), List.of(9001)));
  }

  @Test
  void secretFilesArriveWhereTheWireContractSaysAndBadOnesNameTheField() {
    ContainerSpec spec = parse("{\"name\": \"ab\", \"image\": \"img\", \"files\": {\"server.key\": \"k\", \"server.crt\": \"c\"}}");
    assertThat(spec.files()).containsOnlyKeys(ContainerSpec.TLS_CERT_FILE, ContainerSpec.TLS_KEY_FILE);
    assertThat(ContainerSpec.SECRETS_DIR).as("the wire contract's and the runtime's directory")
        .isEqualTo(dev.gpuhub.wire.node.ContainerRequest.SECRETS_DIR);
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"files\": {\"../etc/passwd\": \"x\"}}", "files", "not a file name");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"files\": {\"big\": \"" + "x".repeat(70_000) + "\"}}", "files",
        "larger than");
  }

  @Test
  void volumesArriveAsNamedVolumesAndBadOnesNameTheField() {
    ContainerSpec spec = parse("{\"name\": \"ab\", \"image\": \"img\", \"volumes\": [{\"volume\": \"gpuhub-home-ab\", "
        + "\"target\": \"/home/jovyan\"}, {\"volume\": \"gpuhub-data\", \"target\": \"/data\", \"read_only\": true}]}");
    assertThat(spec.volumes()).containsExactly(new dev.gpuhub.runtime.VolumeMount("gpuhub-home-ab", "/home/jovyan", false),
        new dev.gpuhub.runtime.VolumeMount("gpuhub-data", "/data", true));
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"volumes\": [{\"volume\": \"/etc\", \"target\": \"/mnt\"}]}",
        "volumes", "not a volume gpuhub may mount");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"volumes\": [{\"volume\": \"gpuhub-x\", \"target\": \"/mnt\", "
        + "\"type\": \"bind\"}]}", "volumes", "unknown field 'type'");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"volumes\": {\"gpuhub-x\": \"/mnt\"}}", "volumes", "array");
  }

  @Test
  void onlyNameAndImageAreRequiredAndNullMeansAbsent() {
    ContainerSpec spec = parse("{\"name\": \"ab\", \"image\": \"img\", \"command\": null, \"cpus\": null}");
    assertThat(spec).isEqualTo(ContainerSpec.of("ab", "img", List.of()));
  }

  @Test
  void badBodiesNameTheirField() {
    // The wire contract's own checks (types, unknown fields) are tested in wire's NodeApiJsonTest;
    // here: they reach the API as 400 with the field, and so do the runtime spec's rules.
    assertField("{\"image\": \"img\"}", "name", "is required");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"memory\": 1024}", "memory", "unknown field 'memory'");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"cpus\": -1}", "cpus", "out of range");
    assertField("{\"name\": \"a b\", \"image\": \"img\"}", "name", "not a valid container name");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"env\": {\"NVIDIA_VISIBLE_DEVICES\": \"all\"}}", "env",
        "gpu_device_uuids");
    // a guarantee above its limit, whoever asks
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"cpus\": 1, \"cpu_guarantee\": 2}", "cpu_guarantee", "out of range");
    assertField("{\"name\": \"ab\", \"image\": \"img\", \"memory_bytes\": 1073741824, \"memory_reservation_bytes\": 2147483648}",
        "memory_reservation_bytes", "at most the memory limit");
    assertThat(parse("{\"name\": \"ab\", \"image\": \"img\", \"cpus\": 2, \"cpu_guarantee\": 0.5,"
        + " \"memory_bytes\": 2147483648, \"memory_reservation_bytes\": 1073741824}"))
        .isEqualTo(ContainerSpec.of("ab", "img", List.of()).withLimits(2, 2L << 30).withGuarantees(0.5, 1L << 30));
  }

  @Test
  void bodiesThatAreNotObjectsAreRefusedWithoutAField() {
    for (String body : new String[] {"", "[]", "\"x\"", "{", "{\"name\": }"}) {
      assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(ApiException.class, e -> {
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.field()).isNull();
      });
    }
  }

  private static void assertField(String body, String field, String message) {
    assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.field()).isEqualTo(field);
    }).hasMessageContaining(message);
  }
}
