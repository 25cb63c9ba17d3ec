package dev.gpuhub.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.store.HubRepositoryContract;
import dev.gpuhub.store.HubServerRecord;
import dev.gpuhub.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub repository contract on the embedded H2 file database, and what lies in the file: a
 * server's token only sealed, under a key of the data directory's own.
 */
class H2HubRepositoryTest extends HubRepositoryContract {
  @TempDir Path tempDir;
  private Path dataDir;

  @Override
  protected void useEmptyDatabase() {
    dataDir = tempDir.resolve("data");
  }

  @Override
  protected JdbcClusterRepository open() {
    return JdbcClusterRepository.open(DataSources.h2File(dataDir), SqlDialect.H2, DataSources.h2Url(dataDir), CLOCK,
        SecretBox.inDirectory(dataDir));
  }

  @Test
  void serverTokensLieInTheDatabaseOnlySealedAndOpenOnlyWithTheDataDirectorysKey() throws Exception {
    long alice = hub.createUser("alice", "h", false).id();
    String token = "0123456789abcdef0123456789abcdef";
    HubServerRecord created = hub.createServer(HubServerRecord.pending(alice, "", "single-cpu", "img", List.of("n"),
        "/user/alice/", token, CLOCK.instant()));
    assertThat(hub.server(created.id()).orElseThrow().serverToken()).isEqualTo(token);
    String stored = rawToken(created.id());
    assertThat(stored).startsWith("sealed:v1:").doesNotContain(token);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("secret.key"))))
        .isEqualTo("rw-------");
    assertThat(SecretBox.inDirectory(dataDir).open(stored)).as("the same key file, read again").isEqualTo(token);
    assertThatThrownBy(() -> SecretBox.ephemeral().open(stored)).isInstanceOf(StoreException.class)
        .hasMessageContaining("secret.key");
  }

  @Test
  void aTokenWrittenBeforeSealingIsReadAndSealedAtItsNextWrite() throws Exception {
    long alice = hub.createUser("alice", "h", false).id();
    HubServerRecord created = hub.createServer(HubServerRecord.pending(alice, "", "single-cpu", "img", List.of("n"),
        "/user/alice/", "old-clear-token", CLOCK.instant()));
    try (Connection c = connect()) {
      c.createStatement().executeUpdate("UPDATE hub_servers SET server_token = 'old-clear-token' WHERE id = " + created.id());
    }
    HubServerRecord read = hub.server(created.id()).orElseThrow();
    assertThat(read.serverToken()).isEqualTo("old-clear-token");
    hub.updateServer(read);
    assertThat(rawToken(created.id())).startsWith("sealed:v1:").doesNotContain("old-clear-token");
    assertThat(hub.server(created.id()).orElseThrow().serverToken()).isEqualTo("old-clear-token");
  }

  private String rawToken(long id) throws Exception {
    try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(
        "SELECT server_token FROM hub_servers WHERE id = " + id)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  private Connection connect() throws Exception {
    return DriverManager.getConnection(DataSources.h2Url(dataDir), "sa", "");
  }
}
