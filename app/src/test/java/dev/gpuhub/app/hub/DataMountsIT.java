package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.server.workload.Homes;
import dev.gpuhub.wire.WireJson;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared data on a real dockerd: an administrator declares a read-only dataset for one profile and
 * a read-write project directory for all; a student's server sees both, can write only the
 * project; declarations that are wrong are refused naming the field and store nothing; removing
 * a declaration leaves the data.
 */
class DataMountsIT {
  @TempDir Path dir;

  @Test
  void aDatasetIsReadOnlyAProjectWritableAndBadDeclarationsAreRefusedNamingTheField() throws Exception {
    Path dataRoot = Files.createDirectories(Path.of("/tmp").resolve("gh-data-" + System.nanoTime()));
    Path imagenet = Files.createDirectories(dataRoot.resolve("imagenet"));
    Files.writeString(imagenet.resolve("README.txt"), "images of things\n");
    Path project = Files.createDirectories(dataRoot.resolve("projects/ai-lab"));
    Files.setAttribute(project, "unix:uid", 1000);
    Files.setAttribute(project, "unix:gid", 1000);
    String user = "dora";
    try (HubFixture hub = new HubFixture(dir, Map.of("GPUHUB_DATA_ROOT", dataRoot.toString()))) {
      try {
        HubClient admin = new HubClient(hub.hubUrl);
        assertThat(admin.signUpAndLogIn("admin", "admin-password-1", hub.adminSecret()).statusCode()).isEqualTo(302);
        String dataset = "{\"name\": \"imagenet\", \"path\": \"" + imagenet + "\", \"target\": \"/data/imagenet\", "
            + "\"read_only\": true, \"profiles\": [\"single-cpu\"]}";
        String[][] bad = {
            {dataset.replace("\"single-cpu\"", "\"no-such-profile\""), "profiles"},
            {dataset.replace(imagenet.toString(), "relative/imagenet"), "path"},
            {dataset.replace(imagenet.toString(), "/etc/ssl"), "path"},
            {dataset.replace(imagenet.toString(), dataRoot + "/../etc"), "path"},
            {dataset.replace("/data/imagenet", "/etc/imagenet"), "target"},
            {dataset.replace("\"profiles\"", "\"groups\": [\"nobody\"], \"profiles\""), "groups"},
            {dataset.replace("\"imagenet\",", "\"Image Net\","), "name"},
            {dataset.replace("\"read_only\"", "\"mode\""), "mode"}};
        for (String[] b : bad) {
          HttpResponse<String> r = admin.api("POST", "/hub/api/data-mounts", b[0]);
          assertThat(r.statusCode()).as(b[0] + " -> " + r.body()).isEqualTo(400);
          assertThat(WireJson.mapper().readTree(r.body()).path("field").asText()).as(r.body()).isEqualTo(b[1]);
        }
        assertThat(mounts(admin).path("data_mounts").size()).as("nothing stored").isZero();
        assertThat(admin.api("POST", "/hub/api/data-mounts", dataset).statusCode()).isEqualTo(201);
        assertThat(admin.api("POST", "/hub/api/data-mounts", dataset).statusCode()).as("a name in use").isEqualTo(409);
        assertThat(admin.api("POST", "/hub/api/data-mounts", "{\"name\": \"ai-lab\", \"path\": \"" + project
            + "\", \"target\": \"/project\", \"read_only\": false}").statusCode()).isEqualTo(201);
        assertThat(mounts(admin).path("data_mounts").size()).isEqualTo(2);

        hub.userWithServer(user);
        String container = "gpuhub-" + user;
        assertThat(hub.dockerd.docker("exec", container, "cat", "/data/imagenet/README.txt")).isEqualTo("images of things");
        assertThat(hub.dockerd.docker("exec", container, "sh", "-c", "touch /data/imagenet/x 2>&1 || echo refused"))
            .contains("Read-only file system").contains("refused");
        hub.dockerd.docker("exec", container, "sh", "-c", "echo from-dora > /project/notes.txt");
        assertThat(Files.readString(project.resolve("notes.txt"))).isEqualTo("from-dora\n");
        assertThat(hub.dockerd.docker("inspect", "-f", "{{range .Mounts}}{{.Destination}}={{.RW}} {{end}}", container))
            .contains("/data/imagenet=false").contains("/project=true").contains(Homes.DEFAULT_DIRECTORY + "=true");

        assertThat(admin.api("DELETE", "/hub/api/data-mounts/imagenet", null).statusCode()).isEqualTo(204);
        assertThat(admin.api("DELETE", "/hub/api/data-mounts/imagenet", null).statusCode()).isEqualTo(404);
        assertThat(Files.readString(imagenet.resolve("README.txt"))).as("the data stays").isEqualTo("images of things\n");
      } finally {
        hub.dockerd.docker("rm", "-f", "gpuhub-" + user);
        hub.dockerd.docker("volume", "rm", "-f", Homes.volumeOf(user));
      }
    } finally {
      try (var files = Files.walk(dataRoot)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static JsonNode mounts(HubClient admin) throws Exception {
    return WireJson.mapper().readTree(admin.getJson("/hub/api/data-mounts").body());
  }
}
