package dev.gpuhub.runtime.docker;

import dev.gpuhub.runtime.ContainerSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A container's secret files ({@link ContainerSpec#files()}) as the tar archive Docker copies into
 * it before it starts: {@link ContainerSpec#SECRETS_DIR} (0500) with each file (0400), all owned by
 * the user the container runs as, so no other user of the image can read them.
 */
final class SecretFilesArchive {
  private SecretFilesArchive() {}

  /** The archive, to extract at {@code /}. */
  static InputStream of(Map<String, String> files, int uid, int gid) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      String dir = ContainerSpec.SECRETS_DIR.substring(1); // relative to /
      String parent = dir.substring(0, dir.lastIndexOf('/'));
      directory(tar, parent + "/", 0755, 0, 0);
      directory(tar, dir + "/", 0500, uid, gid);
      for (var f : files.entrySet()) {
        byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(dir + "/" + f.getKey());
        e.setSize(content.length);
        e.setMode(0100400);
        e.setIds(uid, gid);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the archive of secret files", e);
    }
    return new ByteArrayInputStream(bytes.toByteArray());
  }

  private static void directory(TarArchiveOutputStream tar, String name, int mode, int uid, int gid) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(040000 | mode);
    e.setIds(uid, gid);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }
}
