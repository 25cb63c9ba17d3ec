package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.profile.DefaultProfiles;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.core.node.NodeReport;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantees and limits on real Docker with the shipped "Single CPU" profile (only the usage
 * thresholds lifted, because the test machine itself is busy): four users start it at once on this
 * 2-core machine and all are ready; each container is limited to the limits and guaranteed the
 * guarantees; the placement engine reserved exactly the guarantees.
 */
class ProfileGuaranteesIT {
  private static final int USERS = 4;
  @TempDir static Path dir;
  static HubFixture hub;

  @BeforeAll
  static void start() {
    hub = HubFixture.withShippedProfiles(dir, Map.of("GPUHUB_START_TIMEOUT_SECONDS", "240"));
  }

  @AfterAll
  static void stop() {
    if (hub != null) hub.close();
  }

  @Test
  void fourSingleCpuUsersShareATwoCoreMachine() throws Exception {
    Profile single = DefaultProfiles.SINGLE_CPU;
    List<HubClient> clients = new ArrayList<>();
    for (int i = 0; i < USERS + 1; i++) {
      HubClient c = new HubClient(hub.hubUrl);
      assertThat(c.signUpAndLogIn("user" + i, "password-user" + i).statusCode()).isEqualTo(302);
      clients.add(c);
    }
    ExecutorService pool = Executors.newFixedThreadPool(USERS);
    List<Future<Boolean>> ready = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      HubClient c = clients.get(i);
      String user = "user" + i;
      ready.add(pool.submit(() -> {
        HttpResponse<String> r = c.api("POST", "/hub/api/users/" + user + "/server", "{\"profile\":\"single-cpu\"}");
        assertThat(r.statusCode()).as(r.body()).isIn(201, 202);
        return HubEndToEndIT.followProgress(c, user).path("ready").asBoolean();
      }));
    }
    for (Future<Boolean> f : ready) assertThat(f.get(5, TimeUnit.MINUTES)).isTrue();
    pool.shutdown();

    for (int i = 0; i < USERS; i++) {
      String limits = hub.dockerd.docker("inspect", "-f",
          "{{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}} {{.HostConfig.Memory}} {{.HostConfig.MemoryReservation}}",
          "gpuhub-user" + i).strip();
      assertThat(limits).as("docker inspect of user" + i + "'s server: cpu limit, cpu shares, memory limit, reservation")
          .isEqualTo(Math.round(single.cpuLimit() * 1e9) + " " + Math.round(single.cpuGuarantee() * 1024) + " "
              + gib(single.memLimit()) + " " + gib(single.memGuarantee()));
    }
    List<Reservation> held = hub.plane.discovery().placement().reservations();
    assertThat(held).hasSize(USERS).allSatisfy(r -> {
      assertThat(r.cpu()).isEqualTo(single.cpuGuarantee());
      assertThat(r.memoryGb()).isEqualTo(single.memGuarantee());
    });
    NodeReport node = hub.plane.discovery().liveNodes().get(0);
    // the agent reports the images its Docker has (placement prefers nodes with a server's image)
    assertThat(node.images()).as("images the node reports").contains(hub.image);
    System.out.printf("ProfileGuaranteesIT: %d Single CPU servers ready on %d cores; reserved %.1f cores and %.1f GB;"
        + " each limited to %.1f cores and %.1f GB%n", USERS, node.cpuCores(), held.stream().mapToDouble(Reservation::cpu).sum(),
        held.stream().mapToDouble(Reservation::memoryGb).sum(), single.cpuLimit(), single.memLimit());

    if (node.cpuCores() == 2) { // this machine's size: its cores are all guaranteed now, so a fifth user waits
      HubClient fifth = clients.get(USERS);
      HttpResponse<String> r = fifth.api("POST", "/hub/api/users/user" + USERS + "/server", "{\"profile\":\"single-cpu\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      long deadline = System.nanoTime() + 10_000_000_000L; // the placement runs in the background
      while (hub.plane.discovery().placement().queue().isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
      assertThat(hub.plane.discovery().placement().queue()).as("the fifth waits for room").hasSize(1);
      assertThat(fifth.api("DELETE", "/hub/api/users/user" + USERS + "/server", null).statusCode()).isIn(202, 204);
    }
    for (int i = 0; i < USERS; i++) {
      assertThat(clients.get(i).api("DELETE", "/hub/api/users/user" + i + "/server", null).statusCode()).isEqualTo(204);
    }
    assertThat(hub.serverContainers()).isEmpty();
  }

  private static long gib(double gb) {
    return (long) (gb * (1L << 30));
  }
}
