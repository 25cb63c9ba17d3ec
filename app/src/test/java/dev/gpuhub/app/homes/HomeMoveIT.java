package dev.gpuhub.app.homes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.agent.api.NodeApiServer;
import dev.gpuhub.runtime.docker.DockerContainerRuntime;
import dev.gpuhub.server.workload.AgentClient;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.server.workload.HomeMover;
import dev.gpuhub.server.workload.HttpAgentClient;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.TestImages;
import dev.gpuhub.wire.node.ContainerRequest;
import dev.gpuhub.wire.node.ContainerView;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user's home moves between two nodes, each its own dockerd and agent (node API), through the
 * control plane's {@link HomeMover}: 200 MB in 1,000 files arrive byte for byte (checked with
 * {@code sha256sum} inside each daemon, not with gpuhub's own manifests), owned by the workload
 * user, and the original goes only once the copy is verified. A transfer broken midway leaves the
 * original exactly as it was and says so.
 */
class HomeMoveIT {
  private static final String TOKEN = "home-move-it-token-0123456789abcdef";
  private static final int FILES = 1000;
  private static final int FILE_BYTES = 200 * 1000;
  private static Node a;
  private static Node b;

  /** One node: a dockerd of its own, the busybox image, an agent's node API over it. */
  private record Node(String hostname, LocalDockerd dockerd, DockerContainerRuntime runtime, NodeApiServer api) {
    static Node start(String hostname) {
      LocalDockerd dockerd = LocalDockerd.start();
      TestImages.busybox(dockerd);
      DockerContainerRuntime runtime = DockerContainerRuntime.connect(dockerd.dockerHost());
      return new Node(hostname, dockerd, runtime, new NodeApiServer(runtime, TOKEN, "127.0.0.1", 0).start());
    }

    AgentEndpoint endpoint() {
      return new AgentEndpoint(hostname, "127.0.0.1", api.port());
    }

    /** Runs {@code script} in busybox with {@code volume} at /data. */
    String inVolume(String volume, String script) {
      return dockerd.docker("run", "--rm", "--network", "none", "-v", volume + ":/data", TestImages.BUSYBOX, "sh", "-c", script);
    }

    /** Every file's checksum, owner and mode in the volume, sorted by path. */
    String checksums(String volume) {
      return inVolume(volume, "cd /data && find . -type f | sort | while read f; do "
          + "echo \"$(sha256sum \"$f\" | cut -d' ' -f1) $(stat -c '%u:%g %a' \"$f\") $f\"; done");
    }

    boolean has(String volume) {
      return dockerd.docker("volume", "ls", "-q", "--filter", "name=^" + volume + "$").equals(volume);
    }

    void close() {
      api.close();
      runtime.close();
      dockerd.close();
    }
  }

  @BeforeAll
  static void startNodes() {
    a = Node.start("node-a");
    b = Node.start("node-b");
  }

  @AfterAll
  static void stopNodes() {
    if (a != null) a.close();
    if (b != null) b.close();
  }

  /** A gpuhub home volume on {@code node} with {@code files} random files of {@code bytes} each in nested folders, owned by 1000. */
  private static void fill(Node node, String volume, int files, int bytes) {
    node.dockerd.docker("volume", "create", "--label", "gpuhub.managed=true", volume);
    node.inVolume(volume, "i=0; while [ $i -lt " + files + " ]; do d=/data/work/d$((i % 20)); mkdir -p $d; "
        + "head -c " + bytes + " /dev/urandom > $d/file-$i.bin; i=$((i+1)); done; "
        + "ln -s work/d0/file-0.bin /data/latest; chown -R 1000:1000 /data; chmod 0750 /data/work/d1");
  }

  @Test
  void twoHundredMegabytesInAThousandFilesMoveByteForByteAndTheOriginalGoesOnlyAfterTheCheck() {
    String volume = "gpuhub-home-zoe";
    fill(a, volume, FILES, FILE_BYTES);
    String before = a.checksums(volume);
    assertThat(before.lines().count()).isEqualTo(FILES);
    b.dockerd.docker("volume", "create", "--label", "gpuhub.managed=true", volume);
    b.inVolume(volume, "echo from-an-earlier-stay > /data/old-notes.txt; chown 1000:1000 /data/old-notes.txt");

    List<String> progress = new ArrayList<>();
    HomeMover.Moved moved = new HomeMover(new HttpAgentClient(TOKEN))
        .move(volume, a.endpoint(), b.endpoint(), line -> {
          progress.add(line);
          System.out.println("HomeMoveIT progress: " + line);
        }).orElseThrow();

    String after = b.checksums(volume);
    assertThat(after.lines().filter(l -> !l.endsWith("./old-notes.txt")).toList()).as("every file, owner and mode")
        .isEqualTo(before.lines().toList());
    assertThat(after).as("what the target held before stays").contains("./old-notes.txt");
    assertThat(b.inVolume(volume, "readlink /data/latest; stat -c '%u:%g' /data")).isEqualTo("work/d0/file-0.bin\n1000:1000");
    assertThat(moved.files()).isEqualTo(FILES + 1); // the files and the link
    assertThat(moved.bytes()).isEqualTo((long) FILES * FILE_BYTES);
    assertThat(moved.originalRemoved()).isTrue();
    assertThat(a.has(volume)).as("the original, once the copy is verified").isFalse();
    assertThat(progress).anyMatch(l -> l.contains("of 200.0 MB"));
    System.out.printf("HomeMoveIT: moved %d files, %.1f MB, node-a -> node-b in %.2f s (%.1f MB/s), checksums equal%n",
        moved.files(), moved.bytes() / 1e6, moved.took().toMillis() / 1000.0,
        moved.bytes() / 1e6 / Math.max(0.001, moved.took().toMillis() / 1000.0));
  }

  @Test
  void aTransferBrokenMidwayLeavesTheOriginalAsItWasAndSaysWhatHappened() {
    String volume = "gpuhub-home-yan";
    fill(b, volume, 50, 100_000);
    String before = b.checksums(volume);
    AgentClient breaksAfterOneMegabyte = new BreakingAgents(new HttpAgentClient(TOKEN), 1_000_000);

    assertThatThrownBy(() -> new HomeMover(breaksAfterOneMegabyte).move(volume, b.endpoint(), a.endpoint(), line -> {}))
        .isInstanceOf(HomeMover.HomeMoveException.class)
        .hasMessageContaining("moving your home failed: copying it from node-b to node-a failed")
        .hasMessageContaining("Your files on node-b are intact");
    assertThat(b.has(volume)).isTrue();
    assertThat(b.checksums(volume)).isEqualTo(before);
  }

  /** Real agents whose volume archives break off after {@code limit} bytes, as a dropped connection would. */
  private record BreakingAgents(AgentClient real, long limit) implements AgentClient {
    @Override
    public Optional<InputStream> exportVolume(AgentEndpoint node, String name) {
      return real.exportVolume(node, name).map(in -> new FilterInputStream(in) {
        long read;

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
          if (read >= limit) throw new IOException("connection reset (test: the archive breaks after " + limit + " bytes)");
          int n = super.read(buf, off, (int) Math.min(len, limit - read));
          if (n > 0) read += n;
          return n;
        }
      });
    }

    @Override public void importVolume(AgentEndpoint node, String name, InputStream tar) { real.importVolume(node, name, tar); }
    @Override public Optional<dev.gpuhub.wire.node.VolumeManifest> volumeManifest(AgentEndpoint node, String name) {
      return real.volumeManifest(node, name);
    }
    @Override public boolean removeVolume(AgentEndpoint node, String name) { return real.removeVolume(node, name); }
    @Override public String start(AgentEndpoint node, ContainerRequest request) { return real.start(node, request); }
    @Override public Optional<ContainerView> inspect(AgentEndpoint node, String idOrName) { return real.inspect(node, idOrName); }
    @Override public List<ContainerView> list(AgentEndpoint node, String labelKey) { return real.list(node, labelKey); }
    @Override public void remove(AgentEndpoint node, String idOrName) { real.remove(node, idOrName); }
    @Override public String logs(AgentEndpoint node, String idOrName, int lines) { return real.logs(node, idOrName, lines); }
  }
}
