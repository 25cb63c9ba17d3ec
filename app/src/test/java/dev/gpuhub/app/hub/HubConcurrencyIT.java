package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's load test (§4.2.3) on the real machine: 20 users log in at once, then spawn at once.
 * Every request must succeed, every server must become ready, and each user reaches only their own.
 */
class HubConcurrencyIT {
  private static final int USERS = 20;
  @TempDir static Path dir;
  static HubFixture hub;

  @BeforeAll
  static void start() {
    hub = new HubFixture(dir, Map.of("GPUHUB_START_TIMEOUT_SECONDS", "240"));
  }

  @AfterAll
  static void stop() {
    if (hub != null) hub.close();
  }

  @Test
  void twentyUsersLogInAndSpawnAtOnce() throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      String name = "student" + i;
      names.add(name);
      hub.plane.hub().auth().accounts().create(name, "password-" + name, false);
    }
    Map<String, HubClient> clients = new ConcurrentHashMap<>();
    List<Long> spawnMillis = Collections.synchronizedList(new ArrayList<>());
    List<Long> loginMillis = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failedRequests = new AtomicInteger();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch go = new CountDownLatch(1);
    // all log in at once, then all spawn at once: the spawns' Docker work does not slow the password checks
    CountDownLatch loggedIn = new CountDownLatch(USERS);
    ExecutorService pool = Executors.newFixedThreadPool(USERS);
    List<Future<?>> done = new ArrayList<>();
    for (String name : names) {
      done.add(pool.submit(() -> {
        go.await();
        HubClient c = new HubClient(hub.hubUrl);
        clients.put(name, c);
        c.get("/hub/login");
        long l0 = System.nanoTime();
        HttpResponse<String> login;
        try {
          login = c.form("/hub/login", Map.of("username", name, "password", "password-" + name));
        } finally {
          loggedIn.countDown();
        }
        loginMillis.add((System.nanoTime() - l0) / 1_000_000);
        if (login.statusCode() != 302) {
          failedRequests.incrementAndGet();
          problems.add(name + " login " + login.statusCode() + " Retry-After " + login.headers().firstValue("Retry-After").orElse("-")
              + ": " + HubClient.pageMessage(login.body()));
          return null;
        }
        loggedIn.await();
        long t0 = System.nanoTime();
        HttpResponse<String> spawn = c.form("/hub/spawn", Map.of("profile", "single-cpu"));
        if (spawn.statusCode() != 302) {
          failedRequests.incrementAndGet();
          problems.add(name + " spawn " + spawn.statusCode() + " " + spawn.body());
          return null;
        }
        JsonNode last = HubEndToEndIT.followProgress(c, name);
        if (!last.path("ready").asBoolean()) {
          failedRequests.incrementAndGet();
          problems.add(name + " not ready: " + last);
          return null;
        }
        spawnMillis.add((System.nanoTime() - t0) / 1_000_000);
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : done) f.get(10, TimeUnit.MINUTES);
    pool.shutdown();
    System.out.println("HubConcurrencyIT: 20 logins at once took at most " + Collections.max(loginMillis) + " ms each");
    assertThat(problems).isEmpty();
    assertThat(failedRequests).hasValue(0);
    assertThat(hub.serverContainers()).hasSize(USERS);

    for (int i = 0; i < USERS; i++) {
      String me = names.get(i);
      String other = names.get((i + 1) % USERS);
      HubClient c = clients.get(me);
      assertThat(c.getJson("/user/" + me + "/api/status").statusCode()).as(me + " reaches own server").isEqualTo(200);
      assertThat(c.getJson("/user/" + other + "/api/status").statusCode()).as(me + " kept out of " + other).isEqualTo(403);
    }
    List<Long> sorted = new ArrayList<>(spawnMillis);
    Collections.sort(sorted);
    System.out.printf("HubConcurrencyIT: %d/%d servers ready, 0 failed requests; spawn-to-ready p50 %d ms, p95 %d ms, max %d ms%n",
        sorted.size(), USERS, sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1),
        sorted.get(sorted.size() - 1));

    for (String name : names) assertThat(clients.get(name).api("DELETE", "/hub/api/users/" + name + "/server", null).statusCode()).isEqualTo(204);
    assertThat(hub.serverContainers()).isEmpty();
  }
}
