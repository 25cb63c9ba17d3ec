package dev.gpuhub.agent.api;

import static dev.gpuhub.agent.api.NodeApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.runtime.HostRoots;
import dev.gpuhub.runtime.WorkloadConfinement;
import dev.gpuhub.runtime.docker.DockerContainerRuntime;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.TestImages;
import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.WireJson;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code path} home backend through the node API on a real dockerd: each user's home is their
 * own directory under the node's home root, made for the workload user (1000:1000, 0700); one user
 * does not see another's files; a path outside the root, through a symbolic link, or a volume that
 * is not gpuhub's is refused with 400 naming {@code volumes}, and nothing is started.
 */
class HomePathsIT {
  @TempDir Path dir;

  @Test
  void eachUserGetsTheirOwnDirectoryUnderTheRootAndNothingElse() throws Exception {
    LocalDockerd dockerd = LocalDockerd.shared();
    String image = TestImages.notebook(dockerd);
    String token = AgentAuth.generateToken();
    Path root = Files.createDirectory(dir.resolve("home"));
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    try (DockerContainerRuntime runtime = DockerContainerRuntime.connect(dockerd.dockerHost(), WorkloadConfinement.DEFAULT,
        DockerContainerRuntime.LOOPBACK_NETWORK, HostRoots.of(root));
        NodeApiServer server = new NodeApiServer(runtime, token, "127.0.0.1", 0).start()) {
      NodeApiClient api = new NodeApiClient(server.port(), token);
      String alice = "home-alice-" + suffix;
      String bob = "home-bob-" + suffix;
      try {
        assertThat(api.post("/containers", body(alice, image, Map.of("path", root + "/alice"))).statusCode()).isEqualTo(201);
        assertThat(api.post("/containers", body(bob, image, Map.of("path", root + "/bob"))).statusCode()).isEqualTo(201);
        dockerd.docker("exec", alice, "sh", "-c", "echo only-alice > /home/jovyan/thesis.txt");
        assertThat(Files.readString(root.resolve("alice/thesis.txt")).strip()).isEqualTo("only-alice");
        assertThat(dockerd.docker("exec", bob, "ls", "-A", "/home/jovyan")).as("bob's home").isEmpty();
        for (String user : List.of("alice", "bob")) {
          assertThat(Files.getAttribute(root.resolve(user), "unix:uid")).as(user + "'s owner").isEqualTo(1000);
          assertThat(Files.getAttribute(root.resolve(user), "unix:gid")).isEqualTo(1000);
          assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(user))))
              .isEqualTo("rwx------");
        }
        assertThat(dockerd.docker("inspect", "-f", "{{range .Mounts}}{{.Type}} {{.Source}} {{.Destination}}{{end}}", alice))
            .isEqualTo("bind " + root + "/alice /home/jovyan");

        Files.createSymbolicLink(root.resolve("mallory"), Path.of("/etc"));
        for (Map<String, String> bad : List.of(Map.of("path", root + "/../etc"), Map.of("path", "/etc"),
            Map.of("path", root + "/mallory"), Map.of("path", root.toString()), Map.of("volume", "docker-data"))) {
          String name = "home-bad-" + UUID.randomUUID().toString().substring(0, 6);
          HttpResponse<String> refused = api.post("/containers", body(name, image, bad));
          assertThat(refused.statusCode()).as(bad + ": " + refused.body()).isEqualTo(400);
          assertThat(json(refused).path("field").asText()).isEqualTo("volumes");
          assertThat(dockerd.docker("ps", "-aq", "--filter", "name=" + name)).as("nothing started").isEmpty();
        }
      } finally {
        dockerd.docker("rm", "-f", alice, bob);
      }
    }
  }

  private static String body(String name, String image, Map<String, String> source) {
    var volume = WireJson.mapper().createObjectNode().put("target", "/home/jovyan");
    source.forEach(volume::put);
    var body = WireJson.mapper().createObjectNode().put("name", name).put("image", image).put("cpus", 0.5)
        .put("memory_bytes", 268435456L);
    body.set("command", WireJson.mapper().valueToTree(List.of("sleep", "300")));
    body.putArray("volumes").add(volume);
    return body.toString();
  }
}
