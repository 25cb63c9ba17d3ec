package dev.gpuhub.server.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopesTest {
  @Test
  void aUserHasTheirOwnResourcesOnly() {
    Set<String> alice = Scopes.ofUser("alice", false);
    assertThat(Scopes.allows(alice, "access:servers", "alice", "")).isTrue();
    assertThat(Scopes.allows(alice, "read:users:name", "alice", null)).isTrue(); // implied by read:users
    assertThat(Scopes.allows(alice, "delete:servers", "alice", null)).isTrue(); // implied by servers
    assertThat(Scopes.allows(alice, "access:servers", "bob", "")).isFalse();
    assertThat(Scopes.allows(alice, "list:users", null, null)).isFalse();
    assertThat(Scopes.allows(alice, "read:metrics", null, null)).isFalse();
  }

  @Test
  void anAdminAdministersButDoesNotEnterOtherServersByScope() {
    Set<String> root = Scopes.ofUser("root", true);
    assertThat(Scopes.allows(root, "list:users", null, null)).isTrue();
    assertThat(Scopes.allows(root, "delete:users", "bob", null)).isTrue();
    assertThat(Scopes.allows(root, "read:metrics", null, null)).isTrue();
    assertThat(Scopes.allows(root, "access:servers", "bob", "")).isFalse();
    assertThat(Scopes.allows(root, "access:servers", "root", "")).isTrue();
  }

  @Test
  void aTokenNeverExceedsItsOwner() {
    Set<String> wish = Scopes.forToken(List.of("admin:users", "read:users!user=bob"), "alice", false);
    assertThat(Scopes.ofUser("alice", false)).containsAll(wish); // narrowed to alice's own, as JupyterHub intersects
    assertThat(wish).contains("read:users!user=alice").noneMatch(s -> s.contains("bob") || s.indexOf('!') < 0);
    // an unfiltered wish is narrowed to what the owner has
    assertThat(Scopes.forToken(List.of("access:servers"), "alice", false)).containsExactly("access:servers!user=alice");
    assertThat(Scopes.forToken(List.of("users:activity!user=alice"), "alice", false))
        .containsExactlyInAnyOrder("users:activity!user=alice", "read:users:activity!user=alice");
    assertThat(Scopes.forToken(null, "alice", false)).isEqualTo(Scopes.ofUser("alice", false));
    assertThat(Scopes.forToken(List.of("inherit"), "root", true)).isEqualTo(Scopes.ofUser("root", true));
  }

  @Test
  void aServerTokenReportsActivityAndReachesItsServerOnly() {
    Set<String> server = Scopes.forToken(Scopes.serverToken("alice", ""), "alice", false);
    assertThat(Scopes.allows(server, "access:servers", "alice", "")).isTrue();
    assertThat(Scopes.allows(server, "users:activity", "alice", null)).isTrue();
    assertThat(Scopes.allows(server, "access:servers", "alice", "other")).isFalse();
    assertThat(Scopes.allows(server, "read:users", "alice", null)).isFalse();
    assertThat(Scopes.allows(server, "tokens", "alice", null)).isFalse();
    assertThat(Scopes.allows(server, "servers", "alice", null)).isFalse();
  }

  @Test
  void badScopesAreNamed() {
    assertThatThrownBy(() -> Scopes.check("root:everything")).hasMessageContaining("unknown scope 'root:everything'");
    assertThatThrownBy(() -> Scopes.check("read:users!team=x")).hasMessageContaining("filters are");
    assertThatThrownBy(() -> Scopes.check("read:users!group=a b")).hasMessageContaining("not a group name");
    assertThat(Scopes.check("read:users!group=students")).isEqualTo("read:users!group=students");
    assertThatThrownBy(() -> Scopes.check("self!user=alice")).hasMessageContaining("takes no filter");
    assertThatThrownBy(() -> Scopes.check("access:servers!server=alice")).hasMessageContaining("user/server");
    assertThatThrownBy(() -> Scopes.check("read:users!user=Not A Name")).hasMessageContaining("not a user name");
    assertThat(Scopes.check("access:servers!server=alice/")).isEqualTo("access:servers!server=alice/");
  }
}
