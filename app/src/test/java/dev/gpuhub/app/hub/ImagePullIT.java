package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.LocalRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image from the lab's own registry (a real distribution registry on loopback) that the node
 * does not have: the agent pulls it before the server starts, and the progress stream (what the
 * pending page shows) says how far the pull has come; the server then runs from the pulled image.
 * An image the registry does not have fails the start with the registry's reason, nothing left.
 */
class ImagePullIT {
  @TempDir static Path dir;
  static LocalDockerd dockerd;
  static LocalRegistry registry;
  static HubFixture hub;
  static String pulled;

  @BeforeAll
  static void start() {
    registry = LocalRegistry.start();
    dockerd = LocalDockerd.start();
    hub = new HubFixture(dir, Map.of("GPUHUB_START_TIMEOUT_SECONDS", "240"), dockerd, null);
    pulled = registry.host() + "/lab/notebook:pull-it";
    dockerd.docker("tag", hub.image, pulled);
    dockerd.docker("push", pulled);
    dockerd.docker("rmi", pulled, hub.image); // the node now has neither: its layers are gone too
  }

  @AfterAll
  static void stop() {
    if (hub != null) hub.close();
    if (dockerd != null) dockerd.close();
    if (registry != null) registry.close();
  }

  @Test
  void aServerWhoseImageTheNodeLacksWaitsForThePullAndShowsItsProgress() throws Exception {
    HubClient admin = new HubClient(hub.hubUrl);
    assertThat(admin.signUpAndLogIn("admin", "admin-password-1", hub.adminSecret()).statusCode()).isEqualTo(302);
    String missing = registry.host() + "/lab/none:1";
    for (String ref : List.of(pulled, missing)) {
      HttpResponse<String> declared = admin.api("POST", "/hub/api/images",
          "{\"reference\":\"" + ref + "\",\"display_name\":\"Lab notebook\",\"profiles\":[\"single-cpu\"]}");
      assertThat(declared.statusCode()).as(declared.body()).isEqualTo(201);
    }
    awaitNodeReportsWithout(hub.image);

    long started = System.nanoTime();
    HttpResponse<String> spawn = admin.api("POST", "/hub/api/users/admin/server",
        "{\"profile\":\"single-cpu\",\"image\":\"" + pulled + "\"}");
    assertThat(spawn.statusCode()).as(spawn.body()).isEqualTo(202);
    List<String> messages = new ArrayList<>();
    JsonNode last = follow(admin, messages);
    assertThat(last.path("ready").asBoolean()).as("progress: %s", messages).isTrue();
    long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
    assertThat(messages).anyMatch(m -> m.startsWith("Pulling image " + pulled + " onto " + HubFixture.NODE))
        .anyMatch(m -> m.equals("Pulled image " + pulled + " onto " + HubFixture.NODE));
    List<String> reports = messages.stream().filter(m -> m.matches("Pulling image .*: \\d+ of \\d+ MB downloaded, \\d+ of \\d+ layers unpacked"))
        .toList();
    System.out.printf("ImagePullIT: server ready %d s after the start, the image pulled from %s; %d progress reports,"
        + " first '%s', last '%s'%n", seconds, registry.host(), reports.size(), reports.isEmpty() ? "" : reports.get(0),
        reports.isEmpty() ? "" : reports.get(reports.size() - 1));
    assertThat(reports).as("the pending page's reports of the pull, once a second").isNotEmpty();
    assertThat(dockerd.docker("inspect", "-f", "{{.Config.Image}}", "gpuhub-admin").strip()).isEqualTo(pulled);
    assertThat(admin.api("DELETE", "/hub/api/users/admin/server", null).statusCode()).isEqualTo(204);

    // an image the registry does not have: the start fails with the registry's reason, nothing is left
    HttpResponse<String> bad = admin.api("POST", "/hub/api/users/admin/server",
        "{\"profile\":\"single-cpu\",\"image\":\"" + missing + "\"}");
    assertThat(bad.statusCode()).as(bad.body()).isEqualTo(202);
    messages.clear();
    JsonNode failed = follow(admin, messages);
    assertThat(failed.path("failed").asBoolean()).isTrue();
    assertThat(failed.path("message").asText()).contains("could not pull " + missing);
    assertThat(hub.serverContainers()).isEmpty();
    assertThat(hub.plane.discovery().placement().reservations()).isEmpty();
  }

  /** Waits until the node's heartbeat lists its images without {@code image}. */
  private static void awaitNodeReportsWithout(String image) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      var nodes = hub.plane.discovery().liveNodes();
      var images = nodes.isEmpty() ? null : nodes.get(0).images();
      if (images != null && !images.contains(image)) return;
      Thread.sleep(200);
    }
    throw new AssertionError("the node still reports " + image + ": " + hub.plane.discovery().liveNodes());
  }

  /** Reads the progress stream to its end (ready or failed), collecting every message. */
  private static JsonNode follow(HubClient client, List<String> messages) throws Exception {
    HttpResponse<Stream<String>> r = client.http.send(HttpRequest.newBuilder(
        URI.create(client.base + "/hub/api/users/admin/server/progress")).timeout(Duration.ofMinutes(5)).GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode last = null;
    try (Stream<String> lines = r.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (!line.startsWith("data:")) continue;
        last = dev.gpuhub.wire.WireJson.mapper().readTree(line.substring(5).strip());
        messages.add(last.path("message").asText());
        if (last.path("ready").asBoolean() || last.path("failed").asBoolean()) break;
      }
    }
    assertThat(last).as("progress events").isNotNull();
    return last;
  }
}
