package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.profile.Profile;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named servers on real Docker: one user runs her default server (Single CPU, 1 core) and a named
 * server "big" of another profile (2 cores) at once; each is reached under its own URL and runs
 * code in its own container with its own limits; another user reaches neither; each stops on its
 * own.
 */
class NamedServersIT {
  @TempDir static Path dir;
  static HubFixture hub;

  @BeforeAll
  static void start() {
    hub = new HubFixture(dir, Map.of());
    Profile single = hub.plane.stores().repository().profiles().stream().filter(p -> p.name().equals("single-cpu"))
        .findFirst().orElseThrow();
    hub.plane.stores().repository().createProfile(new Profile(0, "two-cores", "Two cores", "a bigger CPU server",
        single.cpuGuarantee(), single.memGuarantee(), 0, 1, 1, 100, 100, null, 2, 1, null, 0, List.of(), false));
  }

  @AfterAll
  static void stop() {
    if (hub != null) hub.close();
  }

  @Test
  void aUserRunsTwoServersOfDifferentProfilesEachAtItsOwnUrlAndStopsThemOneByOne() throws Exception {
    HubClient alice = new HubClient(hub.hubUrl);
    assertThat(alice.signUpAndLogIn("alice", "alice-password-1").statusCode()).isEqualTo(302);
    HubClient bob = new HubClient(hub.hubUrl);
    assertThat(bob.signUpAndLogIn("bob", "bob-password-1").statusCode()).isEqualTo(302);

    HttpResponse<String> def = alice.api("POST", "/hub/api/users/alice/server", "{\"profile\":\"single-cpu\"}");
    assertThat(def.statusCode()).as(def.body()).isEqualTo(202);
    HttpResponse<String> big = alice.api("POST", "/hub/api/users/alice/servers/big", "{\"profile\":\"two-cores\"}");
    assertThat(big.statusCode()).as(big.body()).isEqualTo(202);
    assertThat(HubClient.json(big).path("name").asText()).isEqualTo("big");
    assertThat(HubClient.json(big).path("url").asText()).isEqualTo("/user/alice/big/");
    assertThat(HubEndToEndIT.followProgress(alice, "alice").path("ready").asBoolean()).isTrue();
    JsonNode bigReady = HubEndToEndIT.followProgressAt(alice, "/hub/api/users/alice/servers/big/progress");
    assertThat(bigReady.path("ready").asBoolean()).as("progress: %s", bigReady).isTrue();
    assertThat(bigReady.path("url").asText()).isEqualTo("/user/alice/big/");
    assertThat(hub.serverContainers()).containsExactlyInAnyOrder("gpuhub-alice", "gpuhub-alice_big");

    // each container has its own profile's limits
    assertThat(hub.dockerd.docker("inspect", "-f", "{{.HostConfig.NanoCpus}}", "gpuhub-alice").strip()).isEqualTo("1000000000");
    assertThat(hub.dockerd.docker("inspect", "-f", "{{.HostConfig.NanoCpus}}", "gpuhub-alice_big").strip()).isEqualTo("2000000000");

    // each answers under its own URL, and runs code in its own container
    assertThat(alice.getJson("/user/alice/api/status").statusCode()).isEqualTo(200);
    assertThat(alice.getJson("/user/alice/big/api/status").statusCode()).isEqualTo(200);
    assertThat(run(alice, "/user/alice/", "import os; print(repr(os.environ.get('GPUHUB_SERVER_NAME')))")).isEqualTo("''\n");
    assertThat(run(alice, "/user/alice/big/", "import os; print(os.environ['GPUHUB_SERVER_NAME'])")).isEqualTo("big\n");

    // another user reaches neither, by the proxy or the API
    for (String path : List.of("/user/alice/api/status", "/user/alice/big/api/status", "/user/alice/big/api/kernels")) {
      assertThat(bob.getJson(path).statusCode()).as("bob GET " + path).isEqualTo(403);
    }
    assertThat(bob.api("POST", "/user/alice/big/api/kernels", "{\"name\":\"python3\"}").statusCode()).isEqualTo(403);
    assertThat(bob.api("DELETE", "/hub/api/users/alice/servers/big", null).statusCode()).isEqualTo(403);
    assertThat(bob.getJson("/hub/api/users/alice/servers/big").statusCode()).isEqualTo(403);

    // the user model lists both, JupyterHub's way; the home page shows the named one
    JsonNode model = HubClient.json(alice.getJson("/hub/api/users/alice"));
    assertThat(model.path("servers").path("big").path("url").asText()).isEqualTo("/user/alice/big/");
    assertThat(model.path("servers").path("big").path("ready").asBoolean()).isTrue();
    assertThat(model.path("servers").path("").path("ready").asBoolean()).isTrue();
    assertThat(alice.get("/hub/home").body()).contains("id=\"named-servers\"", "id=\"open-big\"", "two-cores");

    // the named server stops on its own; the default one keeps running
    assertThat(alice.api("DELETE", "/hub/api/users/alice/servers/big", null).statusCode()).isEqualTo(204);
    assertThat(hub.serverContainers()).containsExactly("gpuhub-alice");
    assertThat(alice.getJson("/user/alice/big/api/status").statusCode()).as("no named server: the default one's 404")
        .isEqualTo(404);
    assertThat(alice.getJson("/user/alice/api/status").statusCode()).isEqualTo(200);
    assertThat(HubClient.json(alice.getJson("/hub/api/users/alice")).path("servers").path("big").path("ready").asBoolean())
        .isFalse();

    assertThat(alice.api("DELETE", "/hub/api/users/alice/server", null).statusCode()).isEqualTo(204);
    assertThat(hub.serverContainers()).isEmpty();
    System.out.println("NamedServersIT: alice ran gpuhub-alice (1 core) and gpuhub-alice_big (2 cores) at once, "
        + "each at its own URL; bob reached neither; each stopped on its own");
  }

  /** Runs {@code code} in a new kernel of the server at {@code prefix}; returns what it printed. */
  private static String run(HubClient client, String prefix, String code) throws Exception {
    HttpResponse<String> kernel = client.api("POST", prefix + "api/kernels", "{\"name\":\"python3\"}");
    assertThat(kernel.statusCode()).as(kernel.body()).isEqualTo(201);
    String id = HubClient.json(kernel).path("id").asText();
    return Kernels.execute(client, hub.hubUrl.replace("http://", "ws://") + prefix + "api/kernels/" + id + "/channels", code);
  }
}
