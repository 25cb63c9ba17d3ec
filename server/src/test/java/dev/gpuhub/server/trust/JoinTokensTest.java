package dev.gpuhub.server.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.wire.tls.JoinToken;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Join tokens: pin the CA, admit as many nodes as they say until they expire, and are kept as hashes only. */
class JoinTokensTest {
  @TempDir Path dataDir;
  final Instant now = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void aTokenAdmitsItsNodesUntilUsedUpOrExpiredAndIsKeptOnlyAsAHash() throws Exception {
    ClusterAuthority ca = ClusterAuthority.open(dataDir, List.of());
    JoinTokens tokens = ca.joinTokens();
    JoinToken once = tokens.create(Duration.ofHours(1), 1, now);
    assertThat(once.fingerprint()).isEqualTo(ca.fingerprint());
    assertThat(JoinToken.parse(once.text())).isEqualTo(once);

    Path file = dataDir.resolve("pki/join-tokens.properties");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Files.readString(file)).contains(once.id()).doesNotContain(once.secret());

    String wrongSecret = once.id() + "." + "0".repeat(32);
    assertThat(tokens.admits(wrongSecret, now)).isFalse();
    assertThat(tokens.redeem(wrongSecret, now)).isFalse();
    assertThat(tokens.admits(once.credential(), now)).as("checking uses nothing up").isTrue();
    assertThat(tokens.admits(once.credential(), now)).isTrue();
    assertThat(tokens.redeem(once.credential(), now)).isTrue();
    assertThat(tokens.redeem(once.credential(), now)).as("used up").isFalse();
    assertThat(tokens.admits(once.credential(), now)).isFalse();

    JoinToken three = tokens.create(Duration.ofMinutes(10), 3, now);
    // Another process (gpuhub join-token) sees the same tokens.
    JoinTokens elsewhere = ClusterAuthority.open(dataDir, List.of()).joinTokens();
    assertThat(elsewhere.list(now)).extracting(JoinTokens.Entry::id, JoinTokens.Entry::usesLeft)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(three.id(), 3));
    assertThat(elsewhere.redeem(three.credential(), now)).isTrue();
    assertThat(tokens.redeem(three.credential(), now.plusSeconds(60))).isTrue();
    assertThat(tokens.list(now)).extracting(JoinTokens.Entry::usesLeft).containsExactly(1);
    assertThat(tokens.admits(three.credential(), now.plus(Duration.ofMinutes(10)))).as("expired").isFalse();
    assertThat(tokens.list(now.plus(Duration.ofMinutes(10)))).isEmpty();

    JoinToken deleted = tokens.create(Duration.ofHours(1), 5, now);
    assertThat(tokens.delete(deleted.id(), now)).isTrue();
    assertThat(tokens.delete(deleted.id(), now)).isFalse();
    assertThat(tokens.admits(deleted.credential(), now)).isFalse();
    assertThat(tokens.admits("not-a-token", now)).isFalse();
    assertThat(tokens.admits(null, now)).isFalse();
  }

  @Test
  void outOfRangeTokensAreRefusedWithTheReason() {
    JoinTokens tokens = ClusterAuthority.open(dataDir, List.of()).joinTokens();
    assertThatThrownBy(() -> tokens.create(Duration.ofDays(8), 1, now)).hasMessageContaining("7 days");
    assertThatThrownBy(() -> tokens.create(Duration.ZERO, 1, now)).hasMessageContaining("between");
    assertThatThrownBy(() -> tokens.create(Duration.ofHours(1), 0, now)).hasMessageContaining("1 to 1000 nodes");
  }

  @Test
  void aTokenReadsBackAndNamesWhatIsWrongWithoutEchoingIt() {
    JoinToken t = JoinToken.random("sha256:" + "ab".repeat(32));
    assertThat(t.text()).matches("[0-9a-f]{6}\\.[0-9a-f]{32}\\.[0-9a-f]{64}");
    assertThat(t.toString()).doesNotContain(t.secret());
    assertThat(JoinToken.idOfCredential(t.credential())).isEqualTo(t.id());
    assertThat(JoinToken.idOfCredential("a-shared-secret-of-the-cluster")).isNull();
    assertThatThrownBy(() -> JoinToken.parse("abc.def")).hasMessageContaining("three parts");
    assertThatThrownBy(() -> JoinToken.parse("abcdef.zz." + "ab".repeat(32))).hasMessageContaining("secret")
        .hasMessageNotContaining("zz");
    assertThatThrownBy(() -> JoinToken.parse(t.id() + "." + t.secret() + ".abc")).hasMessageContaining("sha256");
  }
}
