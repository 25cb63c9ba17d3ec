package dev.gpuhub.agent.api;

import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.wire.node.VolumeManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads a volume archive ({@link ContainerRuntime#exportVolume}) into its {@link VolumeManifest}. */
final class VolumeManifests {
  private static final String ROOT = ContainerRuntime.VOLUME_ARCHIVE_ROOT + "/";

  private VolumeManifests() {}

  /** The manifest of {@code tar}: regular files and links under the archive root, hashed as they stream by. */
  static VolumeManifest of(InputStream tar) throws IOException {
    List<VolumeManifest.Entry> files = new ArrayList<>();
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (!e.getName().startsWith(ROOT)) continue;
        String path = e.getName().substring(ROOT.length());
        MessageDigest sha = sha256();
        long size = 0;
        if (e.isSymbolicLink()) {
          sha.update(("-> " + e.getLinkName()).getBytes(StandardCharsets.UTF_8));
        } else if (e.isFile()) {
          int n;
          while ((n = in.read(buffer)) > 0) {
            sha.update(buffer, 0, n);
            size += n;
          }
        } else {
          continue;
        }
        files.add(new VolumeManifest.Entry(path, size, HexFormat.of().formatHex(sha.digest())));
        total += size;
      }
    }
    return new VolumeManifest(files, total);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA-256", e);
    }
  }
}
