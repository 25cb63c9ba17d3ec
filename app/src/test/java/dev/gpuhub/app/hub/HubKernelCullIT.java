package dev.gpuhub.app.hub;

import static dev.gpuhub.app.hub.HubClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.testkit.LocalDockerd;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7 item 3 / SPEC §8, with tiny settings (kernels idle 4 s are culled, checked every second):
 * on a two-node multi-cpu server, an idle kernel on one node is shut down by the hub, while a kernel
 * busy for longer than the timeout on the other node and a freshly started one stay.
 */
class HubKernelCullIT {
  static final String NODE_B = "hub-cull-node-b";
  @TempDir static Path dir;
  static HubFixture hub;
  static LocalDockerd dockerdB;
  static SecondNode second;

  @BeforeAll
  static void start() {
    hub = new HubFixture(dir, Map.of("GPUHUB_KERNEL_IDLE_SECONDS", "10", "GPUHUB_KERNEL_CULL_INTERVAL_SECONDS", "1"));
    second = SecondNode.start(hub, NODE_B);
    dockerdB = second.dockerd;
  }

  @AfterAll
  static void stop() {
    if (second != null) second.close();
    if (hub != null) hub.close();
  }

  @Test
  void idleKernelsAreCulledAndRecentOnesAreNot() throws Exception {
    HubClient erin = new HubClient(hub.hubUrl);
    assertThat(erin.signUpAndLogIn("erin", "erin-password-1").statusCode()).isEqualTo(302);
    assertThat(erin.form("/hub/spawn", Map.of("profile", "multi-cpu", "image", hub.image, "node_count", "2"))
        .statusCode()).isEqualTo(302);
    assertThat(HubEndToEndIT.followProgress(erin, "erin").path("ready").asBoolean()).isTrue();
    try {
      String idle = startKernel(erin, HubFixture.NODE);
      // (that a busy kernel whose last activity is old is kept is KernelCullerTest's, with a stand-in host)
      long deadline = System.nanoTime() + Duration.ofSeconds(18).toNanos();
      while (kernels(erin).contains(idle)) {
        assertThat(System.nanoTime()).as("the idle kernel was not culled within 18 s").isLessThan(deadline);
        HubFixture.sleep(250);
      }
      String recent = startKernel(erin, NODE_B);
      HubFixture.sleep(2000); // two cull passes, younger than the timeout
      assertThat(kernels(erin)).contains(recent).doesNotContain(idle);
      assertThat(Kernels.execute(erin, channels(recent), "print('alive')")).isEqualTo("alive\n");
      assertThat(hub.plane.hub().spawner().server("erin").orElseThrow().snapshot().state().name()).isEqualTo("RUNNING");
    } finally {
      assertThat(erin.api("DELETE", "/hub/api/users/erin/server", null).statusCode()).isEqualTo(204);
    }
  }

  private static String startKernel(HubClient client, String node) {
    HttpResponse<String> kernel = client.api("POST", "/user/erin/api/kernels", "{\"name\":\"python3-" + node + "\"}");
    assertThat(kernel.statusCode()).as(kernel.body()).isEqualTo(201);
    return json(kernel).path("id").asText();
  }

  private static Set<String> kernels(HubClient client) {
    HttpResponse<String> listed = client.getJson("/gateway/erin/api/kernels");
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    Set<String> ids = new HashSet<>();
    for (JsonNode k : json(listed)) ids.add(k.path("id").asText());
    return ids;
  }

  private static String channels(String kernelId) {
    return hub.hubUrl.replace("http://", "ws://") + "/user/erin/api/kernels/" + kernelId + "/channels";
  }

}
