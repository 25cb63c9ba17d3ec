package dev.gpuhub.agent.api;

import static dev.gpuhub.agent.api.NodeApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.fake.InMemoryContainerRuntime;
import dev.gpuhub.wire.AgentAuth;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node API over real HTTP (JDK HttpServer on 127.0.0.1) against the in-memory runtime. */
class NodeApiServerTest {
  private static final String TOKEN = AgentAuth.generateToken();
  private static final String IMAGE = "gpuhub-notebook:latest";
  private static final String SPEC = """
      {"name": "jupyter-alice", "image": "gpuhub-notebook:latest", "command": ["sleep", "300"],
       "env": {"JUPYTERHUB_USER": "alice"}, "labels": {"gpuhub.user": "alice", "gpuhub.managed": "false"},
       "cpus": 2, "memory_bytes": 2147483648}""";

  private InMemoryContainerRuntime runtime;
  private NodeApiServer server;
  private NodeApiClient api;

  @BeforeEach
  void start() {
    runtime = new InMemoryContainerRuntime(IMAGE);
    server = new NodeApiServer(runtime, TOKEN, "127.0.0.1", 0).start();
    api = new NodeApiClient(server.port(), TOKEN);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void everyRequestWithoutTheRightTokenIs401AndTouchesNothing() {
    runtime.start(ContainerSpec.of("jupyter-bob", IMAGE, List.of()).withLabel(NodeApi.MANAGED_LABEL, "true"));
    for (String token : new String[] {null, "wrong-token-of-enough-length", TOKEN + "x"}) {
      NodeApiClient stranger = new NodeApiClient(server.port(), token);
      for (HttpResponse<String> r : List.of(stranger.post("/containers", SPEC), stranger.get("/containers"),
          stranger.get("/containers/jupyter-bob"), stranger.delete("/containers/jupyter-bob"),
          stranger.get("/containers/jupyter-bob/logs"), stranger.get("/no-such-endpoint"))) {
        assertThat(r.statusCode()).as(r.request().method() + " " + r.request().uri()).isEqualTo(401);
        assertThat(json(r).path("error").asText()).contains("Authorization: Bearer");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      }
    }
    assertThat(runtime.startedSpecs()).hasSize(1);
    assertThat(runtime.inspect("jupyter-bob")).hasValueSatisfying(i -> assertThat(i.running()).isTrue());
  }

  @Test
  void anImagePullStreamsItsProgressAndEndsDoneOrRefusesWithTheReason() {
    runtime.inRegistry("registry.lab:5000/team/pytorch:2.1");
    HttpResponse<String> pulled = api.post("/images/pull", "{\"image\": \"registry.lab:5000/team/pytorch:2.1\"}");
    assertThat(pulled.statusCode()).isEqualTo(200);
    assertThat(pulled.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    assertThat(pulled.body().lines().toList()).containsExactly(
        "{\"layers_done\":1,\"layers_total\":3,\"bytes_done\":100000000,\"bytes_total\":300000000}",
        "{\"layers_done\":2,\"layers_total\":3,\"bytes_done\":200000000,\"bytes_total\":300000000}",
        "{\"layers_done\":3,\"layers_total\":3,\"bytes_done\":300000000,\"bytes_total\":300000000}",
        "{\"done\":true,\"image\":\"registry.lab:5000/team/pytorch:2.1\"}");
    assertThat(runtime.images()).contains("registry.lab:5000/team/pytorch:2.1");

    HttpResponse<String> unknown = api.post("/images/pull", "{\"image\": \"registry.lab:5000/none:1\"}");
    assertThat(unknown.statusCode()).isEqualTo(502);
    assertThat(json(unknown).path("error").asText()).contains("manifest unknown");
    for (String bad : List.of("{}", "{\"image\": \"a b\"}", "{\"image\": \"-rm\"}", "{\"image\": \"x/../y\"}", "not json")) {
      HttpResponse<String> r = api.post("/images/pull", bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(json(r).path("field").asText()).isEqualTo("image");
    }
    assertThat(api.get("/images/pull").statusCode()).isEqualTo(405);
  }

  @Test
  void postStartsAManagedContainerAndGetShowsIt() {
    HttpResponse<String> created = api.post("/containers", SPEC);
    assertThat(created.statusCode()).isEqualTo(201);
    String id = json(created).path("id").asText();
    assertThat(json(created).path("name").asText()).isEqualTo("jupyter-alice");
    ContainerSpec started = runtime.specOf(id).orElseThrow();
    assertThat(started.labels()).containsEntry("gpuhub.user", "alice").containsEntry(NodeApi.MANAGED_LABEL, "true");
    assertThat(started.cpus()).isEqualTo(2.0);
    assertThat(started.memoryBytes()).isEqualTo(2147483648L);
    assertThat(started.env()).containsEntry("JUPYTERHUB_USER", "alice");

    for (String ref : List.of(id, "jupyter-alice", id.substring(0, 12))) {
      HttpResponse<String> got = api.get("/containers/" + ref);
      assertThat(got.statusCode()).isEqualTo(200);
      JsonNode info = json(got);
      assertThat(info.path("id").asText()).isEqualTo(id);
      assertThat(info.path("name").asText()).isEqualTo("jupyter-alice");
      assertThat(info.path("image").asText()).isEqualTo(IMAGE);
      assertThat(info.path("state").asText()).isEqualTo("running");
      assertThat(info.path("exit_code").isNull()).isTrue();
      assertThat(info.path("started_at").asText()).endsWith("Z");
      assertThat(info.path("labels").path("gpuhub.user").asText()).isEqualTo("alice");
      assertThat(info.fieldNames()).toIterable()
          .containsExactlyInAnyOrder("id", "name", "image", "state", "exit_code", "started_at", "labels");
    }
  }

  @Test
  void startFailuresMapToTheirStatus() {
    assertError(api.post("/containers", SPEC.replace(IMAGE, "absent:1")), 404, null, "image 'absent:1' not found");
    assertThat(api.post("/containers", SPEC).statusCode()).isEqualTo(201);
    assertError(api.post("/containers", SPEC), 409, "name", "already in use");
    runtime.failNextStart("could not select device driver \"nvidia\"");
    assertError(api.post("/containers", SPEC.replace("jupyter-alice", "jupyter-carol")), 500, null, "nvidia");
    runtime.goAway();
    assertError(api.post("/containers", SPEC.replace("jupyter-alice", "jupyter-dave")), 503, null, "unreachable");
  }

  @Test
  void badBodiesAre400WithTheFieldAndStartNothing() {
    assertError(api.post("/containers", "{\"image\": \"x\"}"), 400, "name", "required");
    assertError(api.post("/containers", SPEC.replace("\"cpus\": 2", "\"cpus\": -2")), 400, "cpus", "out of range");
    assertError(api.post("/containers", SPEC.replace("\"cpus\": 2", "\"cpu\": 2")), 400, "cpu", "unknown field");
    assertError(api.post("/containers", SPEC.replace("\"cpus\": 2,", "")), 400, "cpus", "without a cpu limit");
    assertError(api.post("/containers", SPEC.replace(", \"memory_bytes\": 2147483648", "")), 400, "memory_bytes",
        "without a memory limit");
    assertError(api.post("/containers", "not json"), 400, null, "not valid JSON");
    String huge = "{\"name\": \"ab\", \"image\": \"img\", \"env\": {\"A\": \"" + "x".repeat(NodeApi.MAX_BODY_BYTES) + "\"}}";
    assertError(api.post("/containers", huge), 413, null, "larger than 1024 KiB");
    assertThat(runtime.startedSpecs()).isEmpty();
  }

  @Test
  void containersGpuhubDoesNotManageAreInvisible() {
    String foreign = runtime.start(ContainerSpec.of("postgres", IMAGE, List.of()).withLabel("gpuhub.user", "x"));
    assertError(api.get("/containers/postgres"), 404, null, "no gpuhub container 'postgres'");
    assertError(api.get("/containers/" + foreign), 404, null, "no gpuhub container");
    assertError(api.delete("/containers/postgres"), 404, null, "no gpuhub container");
    assertError(api.get("/containers/postgres/logs"), 404, null, "no gpuhub container");
    assertThat(json(api.get("/containers?label=gpuhub.user")).path("containers")).isEmpty();
    assertThat(runtime.inspect("postgres")).hasValueSatisfying(i -> assertThat(i.running()).isTrue());
  }

  @Test
  void listFiltersByLabelAndIncludesStoppedContainers() {
    api.post("/containers", SPEC);
    api.post("/containers", SPEC.replace("jupyter-alice", "jupyter-erin").replace("\"gpuhub.user\": \"alice\", ", ""));
    runtime.stop("jupyter-erin", NodeApi.STOP_GRACE);
    JsonNode all = json(api.get("/containers"));
    assertThat(all.path("containers")).extracting(n -> n.path("name").asText())
        .containsExactlyInAnyOrder("jupyter-alice", "jupyter-erin");
    assertThat(all.path("containers")).filteredOn(n -> n.path("name").asText().equals("jupyter-erin"))
        .singleElement().satisfies(n -> {
          assertThat(n.path("state").asText()).isEqualTo("exited");
          assertThat(n.path("exit_code").asInt()).isEqualTo(InMemoryContainerRuntime.EXIT_CODE_TERMINATED);
        });
    assertThat(json(api.get("/containers?label=gpuhub.user")).path("containers"))
        .extracting(n -> n.path("name").asText()).containsExactly("jupyter-alice");
    assertError(api.get("/containers?label="), 400, "label", "label key");
  }

  @Test
  void deleteStopsAndRemovesAndIsIdempotent() {
    String id = json(api.post("/containers", SPEC)).path("id").asText();
    HttpResponse<String> deleted = api.delete("/containers/jupyter-alice");
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(json(deleted).path("removed").asBoolean()).isTrue();
    assertThat(json(deleted).path("id").asText()).isEqualTo(id);
    assertThat(runtime.inspect(id)).isEmpty();
    HttpResponse<String> again = api.delete("/containers/jupyter-alice");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again).path("removed").asBoolean()).isFalse();
    assertError(api.get("/containers/" + id), 404, null, "no gpuhub container");
  }

  @Test
  void logsReturnTheLastLinesAsText() {
    String id = json(api.post("/containers", SPEC)).path("id").asText();
    runtime.setLogs(id, "a\nb\nc\nTraceback: boom\n");
    HttpResponse<String> logs = api.get("/containers/" + id + "/logs?lines=2");
    assertThat(logs.statusCode()).isEqualTo(200);
    assertThat(logs.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(logs.body()).isEqualTo("c\nTraceback: boom\n");
    assertThat(api.get("/containers/jupyter-alice/logs").body()).isEqualTo("a\nb\nc\nTraceback: boom\n");
    assertError(api.get("/containers/" + id + "/logs?lines=0"), 400, "lines", "between 1 and");
    assertError(api.get("/containers/" + id + "/logs?lines=many"), 400, "lines", "whole number");
  }

  @Test
  void unknownPathsAre404AndWrongMethods405() {
    assertError(api.get("/nodes"), 404, null, "no such endpoint");
    assertError(api.get("/containers/a/b/c"), 404, null, "no such endpoint");
    assertError(api.get("/containers/-bad"), 404, null, "no such endpoint");
    HttpResponse<String> put = api.method("PUT", "/containers");
    assertThat(put.statusCode()).isEqualTo(405);
    assertThat(put.headers().firstValue("Allow")).contains("GET, POST");
    assertThat(api.method("POST", "/containers/x").statusCode()).isEqualTo(405);
  }

  @Test
  void aTakenPortFailsStartNamingTheOptions() {
    try (NodeApiServer second = new NodeApiServer(runtime, TOKEN, "127.0.0.1", server.port())) {
      assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("127.0.0.1:" + server.port()).hasMessageContaining("--api-port");
      assertThat(second.isRunning()).isFalse();
    }
  }

  @Test
  void closeStopsListening() {
    int port = server.port();
    server.close();
    assertThat(server.isRunning()).isFalse();
    assertThatThrownBy(() -> new NodeApiClient(port, TOKEN).get("/containers")).isInstanceOf(java.io.UncheckedIOException.class);
  }

  private static void assertError(HttpResponse<String> r, int status, String field, String message) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode body = json(r);
    assertThat(body.path("error").asText()).contains(message);
    if (field == null) assertThat(body.has("field")).isFalse();
    else assertThat(body.path("field").asText()).isEqualTo(field);
  }

}
