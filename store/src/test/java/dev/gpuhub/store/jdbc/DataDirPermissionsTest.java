package dev.gpuhub.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database holds password hashes and server tokens: only its owner may read its directory or files. */
class DataDirPermissionsTest {
  @TempDir Path tempDir;

  @Test
  void aNewDataDirectoryAndItsDatabaseAreTheOwnersAlone() throws Exception {
    Path dataDir = tempDir.resolve("data");
    try (var pool = DataSources.h2File(dataDir); var c = pool.getConnection(); var st = c.createStatement()) {
      st.execute("CREATE TABLE t (x INT)");
    }
    assertOwnerOnly(dataDir);
  }

  @Test
  void anExistingWorldReadableDataDirectoryIsClosedOnOpen() throws Exception {
    Path dataDir = tempDir.resolve("old");
    Files.createDirectories(dataDir);
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (var pool = DataSources.h2File(dataDir); var c = pool.getConnection(); var st = c.createStatement()) {
      st.execute("CREATE TABLE t (x INT)");
    }
    Files.setPosixFilePermissions(dataDir.resolve(DataSources.H2_FILE_NAME + ".mv.db"),
        PosixFilePermissions.fromString("rw-r--r--")); // as an older gpuhub left it
    DataSources.h2File(dataDir).close();
    assertOwnerOnly(dataDir);
  }

  private static void assertOwnerOnly(Path dataDir) throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
    try (var files = Files.list(dataDir)) {
      files.filter(Files::isRegularFile).forEach(f -> {
        try {
          assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString()).isEqualTo("rw-------");
        } catch (java.io.IOException e) {
          throw new AssertionError(e);
        }
      });
    }
    assertThat(Files.exists(dataDir.resolve(DataSources.H2_FILE_NAME + ".mv.db"))).isTrue();
  }
}
