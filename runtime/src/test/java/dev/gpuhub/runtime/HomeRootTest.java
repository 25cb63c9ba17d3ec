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
class HomeRootTest {
  @TempDir Path dir;

  @Test
  void aHomeIsMadeUnderTheRootOwnedByTheWorkloadUserAndNothingElseIsReached() throws Exception {
    Path root = Files.createDirectory(dir.resolve("home"));
    HomeRoot homes = HomeRoot.fromEnv(Map.of(HomeRoot.ENV, root.toString()));
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
    assertThatThrownBy(() -> HomeRoot.NONE.prepare(root.resolve("bob").toString(), 1000, 1000))
        .hasMessageContaining("mounts no host directory").hasMessageContaining(HomeRoot.ENV);
    assertThatThrownBy(() -> HomeRoot.of(Path.of("srv/home"))).hasMessageContaining(HomeRoot.ENV);
  }
}
