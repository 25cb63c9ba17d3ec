package dev.gpuhub.server.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.wire.node.ContainerRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Homes as configured: a volume per user by default, a directory per user from a template, or nothing. */
class HomesTest {
  @Test
  void eachBackendMountsTheUsersOwnHome() {
    assertThat(Homes.fromEnv(Map.of()).mountsFor("alice"))
        .containsExactly(new ContainerRequest.Volume("gpuhub-home-alice", "/home/jovyan", false));
    Homes paths = Homes.fromEnv(Map.of("GPUHUB_HOMES", "path", "GPUHUB_HOME_PATH", "/srv/gpuhub/home/{user}"));
    assertThat(paths.mountsFor("alice")).containsExactly(ContainerRequest.Volume.ofPath("/srv/gpuhub/home/alice", "/home/jovyan"));
    assertThat(paths.mountsFor("bob")).containsExactly(ContainerRequest.Volume.ofPath("/srv/gpuhub/home/bob", "/home/jovyan"));
    assertThat(Homes.fromEnv(Map.of("GPUHUB_HOMES", "none")).mountsFor("alice")).isEmpty();
  }

  @Test
  void aNameOrTemplateThatWouldEscapeTheRootIsRefused() {
    Homes paths = Homes.fromEnv(Map.of("GPUHUB_HOMES", "path", "GPUHUB_HOME_PATH", "/srv/gpuhub/home/{user}"));
    for (String user : new String[] {"..", ".", "a/b", "../etc", ".hidden", "/root", ""}) {
      assertThatThrownBy(() -> paths.mountsFor(user)).as(user).hasMessageContaining("cannot name a home directory");
    }
    for (String template : new String[] {"srv/home/{user}", "/srv/{user}/home", "/srv/../etc/{user}", "/srv/home"}) {
      assertThatThrownBy(() -> Homes.fromEnv(Map.of("GPUHUB_HOMES", "path", "GPUHUB_HOME_PATH", template))).as(template)
          .hasMessageContaining("GPUHUB_HOME_PATH");
    }
    assertThatThrownBy(() -> Homes.fromEnv(Map.of("GPUHUB_HOMES", "path"))).hasMessageContaining("GPUHUB_HOME_PATH");
    assertThatThrownBy(() -> Homes.fromEnv(Map.of("GPUHUB_HOME_DIR", "home"))).hasMessageContaining("GPUHUB_HOME_DIR");
  }
}
