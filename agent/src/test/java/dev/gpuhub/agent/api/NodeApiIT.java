package dev.gpuhub.agent.api;

import static dev.gpuhub.agent.api.NodeApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.runtime.docker.DockerContainerRuntime;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.TestImages;
import dev.gpuhub.wire.AgentAuth;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The node API end to end: HTTP on 127.0.0.1, the Docker runtime, a real private dockerd. */
class NodeApiIT {
  private static final String TOKEN = AgentAuth.generateToken();
  private static LocalDockerd dockerd;
  private static String image;
  private static DockerContainerRuntime runtime;
  private static NodeApiServer server;
  private static NodeApiClient api;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void start() {
    dockerd = LocalDockerd.shared();
    image = TestImages.busybox(dockerd);
    runtime = DockerContainerRuntime.connect(dockerd.dockerHost());
    server = new NodeApiServer(runtime, TOKEN, "127.0.0.1", 0).start();
    api = new NodeApiClient(server.port(), TOKEN);
  }

  @AfterAll
  static void stop() {
    server.close();
    runtime.close();
  }

  @AfterEach
  void removeContainers() {
    String ids = dockerd.docker("ps", "-aq", "--filter", "name=" + suffix);
    if (!ids.isEmpty()) dockerd.docker(("rm -f " + ids.replace('\n', ' ')).split(" "));
  }

  /** Every container the node API starts has limits. */
  private static final String LIMITS = ", \"cpus\": 0.5, \"memory_bytes\": 67108864";

  private String spec(String name, String command, String extra) {
    return "{\"name\": \"" + name + "\", \"image\": \"" + image + "\", \"command\": [\"sh\", \"-c\", \"" + command + "\"]"
        + (extra.contains("\"cpus\"") ? "" : LIMITS) + extra + "}";
  }

  @Test
  void startInspectListLogsAndDeleteAContainer() {
    String name = "jupyter-alice-" + suffix;
    HttpResponse<String> created = api.post("/containers", spec(name, "echo hello-from-alice; sleep 300",
        ", \"labels\": {\"gpuhub.user\": \"alice\"}, \"cpus\": 0.5, \"memory_bytes\": 67108864"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created).path("id").asText();

    assertThat(dockerd.docker("inspect", "-f", "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} "
        + "{{index .Config.Labels \"gpuhub.managed\"}} {{index .Config.Labels \"gpuhub.user\"}} {{.HostConfig.NetworkMode}}", id))
        .isEqualTo("500000000 67108864 true alice gpuhub-workloads");

    JsonNode info = json(api.get("/containers/" + name));
    assertThat(info.path("id").asText()).isEqualTo(id);
    assertThat(info.path("state").asText()).isEqualTo("running");
    assertThat(info.path("image").asText()).isEqualTo(image);
    assertThat(json(api.get("/containers?label=gpuhub.user")).path("containers"))
        .extracting(n -> n.path("name").asText()).contains(name);
    awaitLogs(id, "hello-from-alice");

    long begin = System.nanoTime();
    HttpResponse<String> deleted = api.delete("/containers/" + id);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(json(deleted).path("removed").asBoolean()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("init forwards SIGTERM: no 5 s wait")
        .isLessThan(NodeApi.STOP_GRACE);
    assertThat(dockerd.docker("ps", "-aq", "--filter", "id=" + id)).isEmpty();
    assertThat(json(api.delete("/containers/" + id)).path("removed").asBoolean()).isFalse();
    assertThat(api.get("/containers/" + name).statusCode()).isEqualTo(404);
  }

  @Test
  void aCommandThatFailsShowsItsExitCodeAndLogs() {
    String name = "jupyter-bad-" + suffix;
    String id = json(api.post("/containers", spec(name, "echo no module named notebook >&2; exit 2", ""))).path("id").asText();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    JsonNode info = json(api.get("/containers/" + id));
    while (!info.path("state").asText().equals("exited") && System.nanoTime() < deadline) {
      sleep(50);
      info = json(api.get("/containers/" + id));
    }
    assertThat(info.path("exit_code").asInt()).isEqualTo(2);
    assertThat(api.get("/containers/" + id + "/logs?lines=5").body()).contains("no module named notebook");
    assertThat(json(api.get("/containers")).path("containers")).extracting(n -> n.path("name").asText()).contains(name);
  }

  @Test
  void failedStartsLeaveNothingOnTheNode() {
    HttpResponse<String> noImage = api.post("/containers",
        "{\"name\": \"jupyter-x-" + suffix + "\", \"image\": \"gpuhub-test/absent:1\"" + LIMITS + "}");
    assertThat(noImage.statusCode()).isEqualTo(404);
    assertThat(json(noImage).path("error").asText()).contains("gpuhub-test/absent:1").contains("./gpuhub build-image");
    HttpResponse<String> noGpu = api.post("/containers", spec("jupyter-gpu-" + suffix, "sleep 300",
        ", \"gpu_device_uuids\": [\"GPU-00000000-0000-0000-0000-000000000000\"]"));
    assertThat(noGpu.statusCode()).isEqualTo(500);
    assertThat(json(noGpu).path("error").asText()).contains("failed to start").contains("nvidia");
    assertThat(dockerd.docker("ps", "-aq", "--filter", "name=" + suffix)).isEmpty();
  }

  @Test
  void containersNotStartedByGpuhubCannotBeSeenOrStopped() {
    String name = "operators-own-" + suffix;
    dockerd.docker("run", "-d", "--network", "host", "--name", name, "--label", "gpuhub.user=mallory", image, "sleep", "300");
    assertThat(api.get("/containers/" + name).statusCode()).isEqualTo(404);
    assertThat(api.delete("/containers/" + name).statusCode()).isEqualTo(404);
    assertThat(api.get("/containers/" + name + "/logs").statusCode()).isEqualTo(404);
    assertThat(json(api.get("/containers?label=gpuhub.user")).path("containers"))
        .extracting(n -> n.path("name").asText()).doesNotContain(name);
    assertThat(dockerd.docker("inspect", "-f", "{{.State.Running}}", name)).isEqualTo("true");
  }

  private static void awaitLogs(String id, String expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String logs = api.get("/containers/" + id + "/logs").body();
    while (!logs.contains(expected) && System.nanoTime() < deadline) {
      sleep(50);
      logs = api.get("/containers/" + id + "/logs").body();
    }
    assertThat(logs).contains(expected);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** A tar of one file, {@code data/<path>}, as a volume archive holds it. */
  private static byte[] volumeArchive(String path, String content) throws java.io.IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
      var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("data/" + path);
      byte[] data = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      entry.setSize(data.length);
      entry.setIds(1000, 1000);
      tar.putArchiveEntry(entry);
      tar.write(data);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  @Test
  void aVolumeIsWrittenReadAndDescribedAsArchivesAndOnlyGpuhubsOwnVolumes() throws Exception {
    String volume = "gpuhub-home-t" + suffix;
    String foreign = "operators-" + suffix;
    try {
      HttpResponse<String> written = api.put("/volumes/" + volume + "/archive", volumeArchive("notes/hello.txt", "hello"));
      assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
      assertThat(dockerd.docker("volume", "inspect", "-f", "{{index .Labels \"gpuhub.managed\"}}", volume)).isEqualTo("true");

      JsonNode manifest = json(api.get("/volumes/" + volume + "/manifest"));
      assertThat(manifest.path("total_bytes").asLong()).isEqualTo(5);
      assertThat(manifest.path("files").toString()).isEqualTo("[{\"path\":\"notes/hello.txt\",\"size\":5,\"sha256\":"
          + "\"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\"}]");

      HttpResponse<byte[]> archive = api.getBytes("/volumes/" + volume + "/archive");
      assertThat(archive.statusCode()).isEqualTo(200);
      assertThat(archive.headers().firstValue("Content-Type")).contains("application/x-tar");
      try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
          new java.io.ByteArrayInputStream(archive.body()))) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) names.add(e.getName() + " " + e.getLongUserId());
        assertThat(names).contains("data/notes/hello.txt 1000");
      }

      assertThat(api.get("/volumes/gpuhub-home-nobody-" + suffix + "/manifest").statusCode()).isEqualTo(404);
      assertThat(api.get("/volumes/..%2Fetc/archive").statusCode()).isEqualTo(404);
      dockerd.docker("volume", "create", foreign);
      HttpResponse<String> notOurs = api.put("/volumes/" + foreign + "/archive", volumeArchive("x.txt", "x"));
      assertThat(notOurs.statusCode()).as(notOurs.body()).isEqualTo(409);
      assertThat(json(notOurs).path("error").asText()).contains("is not gpuhub's");
      assertThat(api.get("/volumes/" + foreign + "/archive").statusCode()).isEqualTo(404);
      assertThat(api.get("/volumes/" + foreign + "/manifest").statusCode()).isEqualTo(404);
      assertThat(dockerd.docker("ps", "-aq", "--filter", "label=gpuhub.volume-helper")).as("no helper left").isEmpty();
    } finally {
      dockerd.docker("volume", "rm", "-f", volume, foreign);
    }
  }
}
