package dev.gpuhub.server;

import static dev.gpuhub.server.BadBodies.Kind.ARRAY;
import static dev.gpuhub.server.BadBodies.Kind.BOOL;
import static dev.gpuhub.server.BadBodies.Kind.INT;
import static dev.gpuhub.server.BadBodies.Kind.NUMBER;
import static dev.gpuhub.server.BadBodies.Kind.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.server.BadBodies.Case;
import dev.gpuhub.server.BadBodies.Field;
import dev.gpuhub.server.hub.auth.HubUser;
import dev.gpuhub.server.hub.auth.UserAccounts;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated bad bodies of {@link BadInputTest}, sent to the hub's JSON API with an admin's API
 * token: jobs, users (bulk create, create, patch, tokens), services and data mounts. Every one must
 * get the expected 4xx with a JSON {@code error} naming the field that is wrong (where one is);
 * afterwards nothing may have been stored and every endpoint still takes its valid body.
 */
class HubBadInputTest {
  @TempDir Path dataDir;

  private static final String ADMIN = "hb-admin";
  private static final String TARGET = "hb-target";
  private static final String DATA_ROOT = "/srv/hbdata";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final List<String> failures = new ArrayList<>();
  private String hub;
  private String token;

  private static Field f(String path, BadBodies.Kind kind, double min, double max, boolean required) {
    return new Field(path, kind, min, max, required, null);
  }

  private static final List<Field> JOB_FIELDS = List.of(
      new Field("image", TEXT, 0, 0, true, "trainer 1"),
      // a string is a command too (split at white space): TEXT's wrong values, and blank for the pattern
      new Field("command", TEXT, 0, 0, true, "   "),
      f("min_gpus", INT, 1, 1024, false),
      f("max_gpus", INT, 1, 1024, false),
      f("initial_batch_size", INT, 1, 10_000_000, true),
      new Field("metric", TEXT, 0, 0, false, "fastest"));

  private static final List<Field> BULK_USER_FIELDS = List.of(
      f("usernames", ARRAY, 0, 0, true),
      f("admin", BOOL, 0, 0, false));

  private static final List<Field> CREATE_USER_FIELDS = List.of(
      new Field("password", TEXT, 0, 0, false, "short"),
      f("admin", BOOL, 0, 0, false));

  private static final List<Field> PATCH_USER_FIELDS = List.of(
      new Field("name", TEXT, 0, 0, false, "someone-else"),
      f("admin", BOOL, 0, 0, true));

  private static final List<Field> TOKEN_FIELDS = List.of(
      f("note", TEXT, 0, 0, false),
      f("expires_in", INT, 1, 10L * 365 * 24 * 3600, false),
      f("scopes", ARRAY, 0, 0, false));

  private static final List<Field> GROUP_FIELDS = List.of(
      f("groups", ARRAY, 0, 0, true),
      f("users", ARRAY, 0, 0, false));

  private static final List<Field> ACTIVITY_FIELDS = List.of(
      new Field("last_activity", TEXT, 0, 0, false, "yesterday"));

  private static final List<Field> SERVICE_FIELDS = List.of(
      new Field("name", TEXT, 0, 0, true, "Has Spaces"),
      new Field("image", TEXT, 0, 0, true, "   "),
      f("cpu_millicores", INT, 1, 1_000_000, false),
      f("memory_mb", INT, 1, 10_000_000, false),
      f("request_threshold", NUMBER, 0.001, 1e9, true),
      f("min_replicas", INT, 1, 1000, false),
      f("max_replicas", INT, 1, 1000, false),
      new Field("strategy", TEXT, 0, 0, false, "fastest"));

  private static final List<Field> MOUNT_FIELDS = List.of(
      new Field("name", TEXT, 0, 0, true, "Has Spaces"),
      new Field("path", TEXT, 0, 0, true, "/elsewhere/imagenet"),
      new Field("target", TEXT, 0, 0, true, "/etc/imagenet"),
      f("read_only", BOOL, 0, 0, false),
      f("profiles", ARRAY, 0, 0, false),
      f("groups", ARRAY, 0, 0, false));

  private static final List<Field> PROFILE_FIELDS = List.of(
      new Field("name", TEXT, 0, 0, true, "Has Spaces"),
      f("display_name", TEXT, 0, 0, false),
      f("cpu_guarantee", BadBodies.Kind.NUMBER, 0.01, 10_000, true),
      f("mem_guarantee", BadBodies.Kind.NUMBER, 0.01, 100_000, true),
      f("cpu_limit", BadBodies.Kind.NUMBER, 0.01, 10_000, false),
      f("mem_limit", BadBodies.Kind.NUMBER, 0.01, 100_000, false),
      f("gpu_count", BadBodies.Kind.INT, 0, 8, false),
      f("groups", ARRAY, 0, 0, false));

  private static final List<Field> IMAGE_FIELDS = List.of(
      new Field("reference", TEXT, 0, 0, true, "Bad Ref"),
      f("display_name", TEXT, 0, 0, false),
      f("profiles", ARRAY, 0, 0, false),
      f("groups", ARRAY, 0, 0, false));

  private static final List<Field> QUOTA_FIELDS = List.of(
      f("max_gpus", BadBodies.Kind.INT, 0, 10_000, false),
      f("max_servers", BadBodies.Kind.INT, 0, 10_000, false),
      f("gpu_hours", BadBodies.Kind.NUMBER, 0, 1e8, false));

  @Test
  void everyHubWriteEndpointRejectsBadBodiesNamingTheFieldAndStoresNothing() throws Exception {
    long t0 = System.nanoTime();
    Random random = new Random(20261123);
    try (RunningServer s = RunningServer.embedded(dataDir, Map.of("GPUHUB_JOB_IMAGES", "trainer:1",
        "GPUHUB_JOB_MAX_ACTIVE_PER_USER", "10000", "GPUHUB_DATA_ROOT", DATA_ROOT))) {
      hub = s.plane.hub().url();
      UserAccounts accounts = s.plane.hub().auth().accounts();
      HubUser admin = accounts.create(ADMIN, "password-" + ADMIN, true);
      token = accounts.createToken(admin, "bad-input test", null).token();
      accounts.create(TARGET, "password-" + TARGET, false);

      String usersBefore = users(accounts);
      String tokensBefore = tokens(accounts, admin);
      String servicesBefore = services();
      String mountsBefore = call("GET", "/hub/api/data-mounts", null).body();
      assertThat(jobCount()).isZero();

      ObjectNode job = obj("{\"image\":\"trainer:1\",\"command\":[\"python3\",\"train.py\"],\"min_gpus\":1,"
          + "\"max_gpus\":2,\"initial_batch_size\":256,\"metric\":\"speed\"}");
      ObjectNode bulk = obj("{\"usernames\":[\"hb-bulk-1\",\"hb-bulk-2\"],\"admin\":false}");
      ObjectNode newUser = obj("{\"password\":\"correct-horse-battery\",\"admin\":false}");
      ObjectNode patch = obj("{\"name\":\"" + TARGET + "\",\"admin\":false}");
      ObjectNode newToken = obj("{\"note\":\"ci\",\"expires_in\":3600,\"scopes\":[\"read:users!user=" + ADMIN + "\"]}");
      ObjectNode groups = obj("{\"groups\":[\"hb-g1\",\"hb-g2\"],\"users\":[\"" + TARGET + "\"]}");
      ObjectNode activity = obj("{\"last_activity\":\"2026-12-04T10:00:00Z\",\"servers\":{\"\":{\"last_activity\":\"2026-12-04T10:00:00Z\"}}}");
      String groupsBefore = call("GET", "/hub/api/groups", null).body();
      ObjectNode service = obj("{\"name\":\"hb-svc\",\"image\":\"nginx:1.27\",\"command\":[\"serve\",\"--port\",\"{port}\"],"
          + "\"cpu_millicores\":100,\"memory_mb\":128,\"request_threshold\":50,\"min_replicas\":1,\"max_replicas\":2,"
          + "\"strategy\":\"round_robin\"}");
      ObjectNode mount = obj("{\"name\":\"hb-mount\",\"path\":\"" + DATA_ROOT + "/imagenet\",\"target\":\"/data/imagenet\","
          + "\"read_only\":true,\"profiles\":[\"single-cpu\"],\"groups\":[]}");

      ObjectNode profile = obj("{\"name\":\"hb-profile\",\"display_name\":\"HB\",\"cpu_guarantee\":1,\"mem_guarantee\":1,"
          + "\"cpu_limit\":10000,\"mem_limit\":100000,\"gpu_count\":0,\"groups\":[]}");
      ObjectNode image = obj("{\"reference\":\"lab/pytorch:2.3\",\"display_name\":\"PyTorch\",\"profiles\":[\"single-cpu\"],"
          + "\"groups\":[]}");
      String imagesBefore = call("GET", "/hub/api/images", null).body();
      ObjectNode quota = obj("{\"max_gpus\":1,\"max_servers\":2,\"gpu_hours\":10}");
      String profilesBefore = call("GET", "/hub/api/profiles", null).body();
      String quotasBefore = call("GET", "/hub/api/quotas", null).body();
      Map<String, Integer> counts = new LinkedHashMap<>();
      List<Case> jobs = BadBodies.generate(job, JOB_FIELDS, random, 300);
      jobs.add(field(job, "image", "\"other:2\"", "image"));
      jobs.add(field(job, "command", "[]", "command"));
      jobs.add(field(job, "command", "[\"python3\",1]", "command"));
      jobs.add(field(job, "command", "[\"\"]", "command"));
      jobs.add(field(job, "gpus", "2", "gpus"));
      jobs.add(field(field(job, "min_gpus", "4"), "max_gpus", "2", "max_gpus"));
      counts.put("POST /hub/api/jobs", check("POST", "/hub/api/jobs", jobs));

      List<Case> bulks = BadBodies.generate(bulk, BULK_USER_FIELDS, random, 250);
      bulks.add(field(bulk, "usernames", "[]", "usernames"));
      bulks.add(field(bulk, "usernames", "[5]", "usernames"));
      bulks.add(field(bulk, "usernames", "[null]", "usernames"));
      bulks.add(field(bulk, "usernames", "[\"hb-bulk-3\",5]", "usernames"));
      bulks.add(field(bulk, "usernames", "[\"Not A Name\"]", "usernames"));
      bulks.add(field(bulk, "usernames", "[\"hb-bulk-4\",\"bad name!\"]", "usernames"));
      bulks.add(field(bulk, "usernames", "[\"hb-bulk-5\",\"\"]", "usernames"));
      bulks.add(field(bulk, "usernames", "[\"" + "x".repeat(5000) + "\"]", "usernames"));
      counts.put("POST /hub/api/users", check("POST", "/hub/api/users", bulks));

      // an absent body is allowed here (JupyterHub: a user without a password): blank bodies are valid
      List<Case> creates = nonBlank(BadBodies.generate(newUser, CREATE_USER_FIELDS, random, 200));
      creates.add(field(newUser, "password", "\"" + "x".repeat(1025) + "\"", "password"));
      creates.add(field(newUser, "password", "\"\"", "password"));
      counts.put("POST /hub/api/users/<new>", check("POST", "/hub/api/users/hb-newcomer", creates));

      List<Case> patches = BadBodies.generate(patch, PATCH_USER_FIELDS, random, 200);
      counts.put("PATCH /hub/api/users/<existing>", check("PATCH", "/hub/api/users/" + TARGET, patches));

      List<Case> tokenBodies = nonBlank(BadBodies.generate(newToken, TOKEN_FIELDS, random, 200));
      tokenBodies.add(field(newToken, "expires_in", "18446744073709551621", "expires_in")); // 2^64 + 5
      tokenBodies.add(field(newToken, "expires_in", "-9223372036854775808", "expires_in"));
      tokenBodies.add(field(newToken, "note", "\"" + "n".repeat(1001) + "\"", "note"));
      tokenBodies.add(field(newToken, "scopes", "[\"sudo\"]", "scopes"));
      tokenBodies.add(field(newToken, "scopes", "[\"read:users!team=x\"]", "scopes"));
      tokenBodies.add(field(newToken, "scopes", "[\"read:users!group=a b\"]", "scopes"));
      tokenBodies.add(field(newToken, "scopes", "[1]", "scopes"));
      tokenBodies.add(field(newToken, "scopes", "[\"self!user=x\"]", "scopes"));
      counts.put("POST /hub/api/users/<admin>/tokens", check("POST", "/hub/api/users/" + ADMIN + "/tokens", tokenBodies));

      List<Case> groupBodies = BadBodies.generate(groups, GROUP_FIELDS, random, 150);
      groupBodies.add(field(groups, "groups", "[]", "groups"));
      groupBodies.add(field(groups, "groups", "[5]", "groups"));
      groupBodies.add(field(groups, "groups", "[\"hb-g3\",\"bad name!\"]", "groups"));
      groupBodies.add(field(groups, "users", "[\"nobody-here\"]", "users"));
      groupBodies.add(field(groups, "users", "[\"" + TARGET.toUpperCase(java.util.Locale.ROOT) + "\"]", "users"));
      counts.put("POST /hub/api/groups", check("POST", "/hub/api/groups", groupBodies));

      List<Case> activities = BadBodies.generate(activity, ACTIVITY_FIELDS, random, 100);
      activities.add(field(activity, "servers", "\"x\"", "servers"));
      activities.add(field(activity, "servers", "{\"\":{\"last_activity\":5}}", "servers"));
      counts.put("POST /hub/api/users/<admin>/activity", check("POST", "/hub/api/users/" + ADMIN + "/activity", activities));

      List<Case> services = BadBodies.generate(service, SERVICE_FIELDS, random, 300);
      for (String bad : List.of("123", "true", "{\"x\":1}", "[1]", "[\"serve\",null]", "[[\"serve\"]]")) {
        services.add(field(service, "command", bad, "command"));
      }
      services.add(field(field(service, "min_replicas", "3"), "max_replicas", "2", "max_replicas"));
      counts.put("POST /hub/api/services", check("POST", "/hub/api/services", services));

      List<Case> mounts = BadBodies.generate(mount, MOUNT_FIELDS, random, 250);
      mounts.add(field(mount, "profiles", "[\"no-such-profile\"]", "profiles"));
      mounts.add(field(mount, "profiles", "[1]", "profiles"));
      mounts.add(field(mount, "groups", "[\"team\"]", "groups"));
      mounts.add(field(mount, "groups", "[true]", "groups"));
      mounts.add(field(mount, "path", "\"relative/imagenet\"", "path"));
      mounts.add(field(mount, "path", "\"" + DATA_ROOT + "/../etc\"", "path"));
      mounts.add(field(mount, "target", "\"/proc\"", "target"));
      mounts.add(field(mount, "mode", "\"rw\"", "mode"));
      counts.put("POST /hub/api/data-mounts", check("POST", "/hub/api/data-mounts", mounts));

      List<Case> profiles = BadBodies.generate(profile, PROFILE_FIELDS, random, 200);
      profiles.add(field(field(profile, "cpu_guarantee", "3"), "cpu_limit", "2", "cpu_limit"));
      profiles.add(field(profile, "groups", "[\"no-such-group\"]", "groups"));
      profiles.add(field(profile, "gpu_model", "\"<b>\"", "gpu_model"));
      counts.put("POST /hub/api/profiles", check("POST", "/hub/api/profiles", profiles));
      List<Case> images = BadBodies.generate(image, IMAGE_FIELDS, random, 100);
      images.add(field(image, "profiles", "[\"no-such-profile\"]", "profiles"));
      images.add(field(image, "groups", "[\"no-such-group\"]", "groups"));
      counts.put("POST /hub/api/images", check("POST", "/hub/api/images", images));
      List<Case> quotas = BadBodies.generate(quota, QUOTA_FIELDS, random, 100);
      counts.put("PUT /hub/api/quotas/users/<target>", check("PUT", "/hub/api/quotas/users/" + TARGET, quotas));

      int sent = counts.values().stream().mapToInt(Integer::intValue).sum();
      counts.forEach((endpoint, n) -> System.out.println("  " + endpoint + ": " + n + " bad bodies"));
      assertThat(failures).as("%d of %d bad bodies were not answered as expected", failures.size(), sent).isEmpty();
      System.out.println("HubBadInputTest: " + sent + " bad bodies sent, every one answered 4xx with a JSON error naming the field");
      assertThat(sent).isGreaterThanOrEqualTo(2000);

      // Nothing was stored...
      assertThat(users(accounts)).isEqualTo(usersBefore);
      assertThat(accounts.find("hb-newcomer")).isEmpty();
      assertThat(tokens(accounts, admin)).isEqualTo(tokensBefore);
      assertThat(jobCount()).isZero();
      assertThat(services()).isEqualTo(servicesBefore);
      assertThat(call("GET", "/hub/api/data-mounts", null).body()).isEqualTo(mountsBefore);
      assertThat(call("GET", "/hub/api/groups", null).body()).isEqualTo(groupsBefore);
      assertThat(call("GET", "/hub/api/profiles", null).body()).isEqualTo(profilesBefore);
      assertThat(call("GET", "/hub/api/quotas", null).body()).isEqualTo(quotasBefore);
      assertThat(call("GET", "/hub/api/images", null).body()).isEqualTo(imagesBefore);

      // ...and every endpoint still takes its valid body.
      assertOk(call("POST", "/hub/api/groups", groups.toString()), 201);
      assertThat(call("POST", "/hub/api/users/" + ADMIN + "/activity", activity.toString()).statusCode()).isEqualTo(204);
      assertOk(call("POST", "/hub/api/jobs", job.toString()), 201);
      assertThat(jobCount()).isEqualTo(1);
      assertOk(call("POST", "/hub/api/users", bulk.toString()), 201);
      assertOk(call("POST", "/hub/api/users/hb-newcomer", newUser.toString()), 201);
      assertOk(call("PATCH", "/hub/api/users/" + TARGET, patch.toString()), 200);
      assertOk(call("POST", "/hub/api/users/" + ADMIN + "/tokens", newToken.toString()), 201);
      assertOk(call("POST", "/hub/api/services", service.toString()), 201);
      assertOk(call("POST", "/hub/api/data-mounts", mount.toString()), 201);
      assertOk(call("POST", "/hub/api/profiles", profile.toString()), 201);
      assertOk(call("PUT", "/hub/api/quotas/users/" + TARGET, quota.toString()), 200);
      assertOk(call("POST", "/hub/api/images", image.toString()), 201);
      assertThat(accounts.find("hb-bulk-2")).isPresent();
      System.out.println("HubBadInputTest took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
  }

  /** Sends every case; each must get its status with a JSON error naming its field (else a failure is noted). */
  private int check(String method, String path, List<Case> cases) {
    for (Case c : cases) {
      HttpResponse<String> r = send(method, path, c.body());
      String problem = BadBodies.problem(method + " " + path, c, r.statusCode(), r.body(), HubBadInputTest::names);
      if (problem != null) failures.add(problem);
    }
    return cases.size();
  }

  /** The field named, or one element of it ({@code command[1]} for {@code command}). */
  private static boolean names(String actual, String expected) {
    return actual.equals(expected) || actual.startsWith(expected + "[");
  }

  /** {@code valid} with {@code field} set to {@code json}: a case whose error must name {@code expected}. */
  private static Case field(ObjectNode valid, String field, String json, String expected) throws IOException {
    ObjectNode copy = field(valid, field, json);
    return new Case(field + " = " + BadBodies.abbreviate(json), copy.toString().getBytes(StandardCharsets.UTF_8), expected, 400);
  }

  private static ObjectNode field(ObjectNode valid, String field, String json) throws IOException {
    ObjectNode copy = valid.deepCopy();
    copy.set(field, WireJson.mapper().readTree(json));
    return copy;
  }

  private static List<Case> nonBlank(List<Case> cases) {
    List<Case> out = new ArrayList<>();
    for (Case c : cases) if (!new String(c.body(), StandardCharsets.UTF_8).isBlank()) out.add(c);
    return out;
  }

  private static ObjectNode obj(String json) throws IOException {
    return (ObjectNode) WireJson.mapper().readTree(json);
  }

  private static String users(UserAccounts accounts) {
    StringBuilder b = new StringBuilder();
    accounts.list().forEach(u -> b.append(u.name()).append(u.admin() ? " (admin)" : "").append('\n'));
    return b.toString();
  }

  private static String tokens(UserAccounts accounts, HubUser owner) {
    StringBuilder b = new StringBuilder();
    accounts.tokens(owner).forEach(t -> b.append(t.id()).append(' ').append(t.note()).append(' ').append(t.expiresAt()).append('\n'));
    return b.toString();
  }

  private String services() {
    HttpResponse<String> r = call("GET", "/hub/api/services", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return RunningServer.json(r).path("services").toString();
  }

  private long jobCount() {
    HttpResponse<String> r = call("GET", "/hub/api/jobs", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Long.parseLong(r.headers().firstValue("X-Total-Count").orElseThrow());
  }

  private static void assertOk(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.request().method() + " " + r.uri() + ": " + r.body()).isEqualTo(status);
  }

  private HttpResponse<String> call(String method, String path, String body) {
    return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> send(String method, String path, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub + path)).timeout(Duration.ofSeconds(20))
        .header("Authorization", "token " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) b.header("Content-Type", "application/json");
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

}
