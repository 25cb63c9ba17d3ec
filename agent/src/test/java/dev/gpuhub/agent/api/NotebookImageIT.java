package dev.gpuhub.agent.api;

import static dev.gpuhub.agent.api.NodeApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.runtime.docker.DockerContainerRuntime;
import dev.gpuhub.testkit.FreePorts;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.TestImages;
import dev.gpuhub.wire.AgentAuth;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The product's default notebook image (built by scripts/build-notebook-image.sh) started the way
 * the spawner starts it: through the node API, in its own network namespace with its port published on
 * 127.0.0.1, under a base URL, with a per-server token in its environment. It must answer Jupyter's REST API, and DELETE must leave nothing behind.
 */
class NotebookImageIT {
  /** Longest wait for the notebook server to answer after its container started. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final String BASE_URL = "/user/test/";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void notebookStartedThroughTheNodeApiAnswersAndIsGoneAfterDelete() throws Exception {
    LocalDockerd dockerd = LocalDockerd.shared();
    String image = TestImages.notebook(dockerd);
    String agentToken = AgentAuth.generateToken();
    String serverToken = UUID.randomUUID().toString().replace("-", "");
    int port = FreePorts.pick();
    String name = "jupyter-test-" + UUID.randomUUID().toString().substring(0, 8);
    try (DockerContainerRuntime runtime = DockerContainerRuntime.connect(dockerd.dockerHost());
        NodeApiServer server = new NodeApiServer(runtime, agentToken, "127.0.0.1", 0).start()) {
      NodeApiClient api = new NodeApiClient(server.port(), agentToken);
      HttpResponse<String> created = api.post("/containers", """
          {"name": "%s", "image": "%s", "labels": {"gpuhub.user": "test"}, "cpus": 1, "memory_bytes": 1073741824,
           "env": {"JUPYTERHUB_USER": "test", "JUPYTER_TOKEN": "%s"}, "ports": [%d],
           "command": ["python3", "-m", "notebook", "--ip", "0.0.0.0", "--port", "%d", "--no-browser",
                       "--NotebookApp.base_url=%s"]}"""
          .formatted(name, image, serverToken, port, port, BASE_URL));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String id = json(created).path("id").asText();

      URI status = URI.create("http://127.0.0.1:" + port + BASE_URL + "api/status");
      long begin = System.nanoTime();
      HttpResponse<String> ready = awaitStatus(URI.create(status + "?token=" + serverToken), api, id);
      System.out.printf("notebook answered %d ms after its container started%n", (System.nanoTime() - begin) / 1_000_000);
      JsonNode body = json(ready);
      assertThat(body.has("started")).as(ready.body()).isTrue();
      assertThat(get(status).statusCode()).as("the server token is required").isEqualTo(403);

      HttpResponse<String> deleted = api.delete("/containers/" + name);
      assertThat(deleted.statusCode()).isEqualTo(200);
      assertThat(json(deleted).path("removed").asBoolean()).isTrue();
      assertThat(dockerd.docker("ps", "-aq", "--filter", "id=" + id)).isEmpty();
      assertThat(api.get("/containers/" + id).statusCode()).isEqualTo(404);
      assertThat(reachable(status)).as("nothing listens on the notebook port any more").isFalse();
    } finally {
      dockerd.docker("rm", "-f", name);
    }
  }

  /** Polls until the status URL answers 200; fails with the container's state and logs otherwise. */
  private HttpResponse<String> awaitStatus(URI url, NodeApiClient api, String id) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = get(url);
        if (r.statusCode() == 200) return r;
        last = "HTTP " + r.statusCode() + ": " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      JsonNode info = json(api.get("/containers/" + id));
      if (!info.path("state").asText().equals("running")) break;
      Thread.sleep(200);
    }
    return fail("notebook did not answer at " + url + " within " + READY_TIMEOUT.toSeconds() + " s (last: " + last
        + "); container: " + api.get("/containers/" + id).body() + "; logs:\n" + api.get("/containers/" + id + "/logs").body());
  }

  private HttpResponse<String> get(URI url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private boolean reachable(URI url) throws InterruptedException {
    try {
      get(url);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
