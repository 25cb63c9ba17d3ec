package dev.gpuhub.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Home directories of the path backend: strictly under the root, through no link, made for the workload user. */
class HostRootsTest {
  @TempDir Path dir;

  @Test
  void aHomeIsMadeUnderTheRootOwnedByTheWorkloadUserAndNothingElseIsReached() throws Exception {
    Path root = Files.createDirectory(dir.resolve("home"));
    HostRoots homes = HostRoots.fromEnv(Map.of(HostRoots.ENV, root.toString()));
    Path alice = homes.prepare(root.resolve("alice").toString(), 1000, 1000);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(alice))).isEqualTo("rwx------");
    assertThat(Files.getAttribute(alice, "unix:uid")).isEqualTo(1000);
    assertThat(Files.getAttribute(alice, "unix:gid")).isEqualTo(1000);
    Files.writeString(alice.resolve("keep.txt"), "kept");
    assertThat(homes.prepare(alice.toString(), 1000, 1000)).as("an existing home is used as it is").isEqualTo(alice);
    assertThat(Files.readString(alice.resolve("keep.txt"))).isEqualTo("kept");

    Files.createSymbolicLink(root.resolve("mallory"), Path.of("/etc"));
    Files.writeString(root.resolve("plain-file"), "x");
    for (String bad : new String[] {root.toString(), root + "/../etc", root + "/./bob", "relative/bob", "/etc/gpuhub",
        root + "/mallory", root + "/mallory/sub", root + "/plain-file/sub", root + "x/bob"}) {
      assertThatThrownBy(() -> homes.prepare(bad, 1000, 1000)).as(bad)
          .isInstanceOfSatisfying(InvalidContainerSpecException.class, e -> assertThat(e.field()).isEqualTo("volumes"));
    }
    assertThat(Files.exists(Path.of("/etc/sub"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThatThrownBy(() -> HostRoots.NONE.prepare(root.resolve("bob").toString(), 1000, 1000))
        .hasMessageContaining("mounts no host directory").hasMessageContaining(HostRoots.ENV);
    assertThatThrownBy(() -> HostRoots.of(Path.of("srv/home"))).hasMessageContaining(HostRoots.ENV);
  }

  @Test
  void dataDirectoriesAreMountedOnlyWhenTheyExistUnderTheDataRootThroughNoLink() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data/imagenet/train"));
    Path dataRoot = dir.resolve("data");
    HostRoots roots = HostRoots.fromEnv(Map.of(HostRoots.DATA_ENV, dataRoot.toString()));
    assertThat(roots.prepare(data.toString(), 1000, 1000)).isEqualTo(data);
    assertThat(roots.prepare(dataRoot.toString(), 1000, 1000)).as("the whole data root").isEqualTo(dataRoot);
    Files.createSymbolicLink(dataRoot.resolve("secrets"), Path.of("/etc"));
    for (String bad : new String[] {dataRoot + "/missing", dataRoot + "/secrets", dataRoot + "/../etc", "/etc",
        dataRoot + "/imagenet/../../etc"}) {
      assertThatThrownBy(() -> roots.prepare(bad, 1000, 1000)).as(bad)
          .isInstanceOfSatisfying(InvalidContainerSpecException.class, e -> assertThat(e.field()).isEqualTo("volumes"));
    }
    assertThat(Files.exists(dataRoot.resolve("missing"))).as("a data directory is never made").isFalse();
    assertThatThrownBy(() -> HostRoots.NONE.withDataRoot(Path.of("data"))).hasMessageContaining(HostRoots.DATA_ENV);
  }
}
