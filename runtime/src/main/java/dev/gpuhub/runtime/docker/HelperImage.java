package dev.gpuhub.runtime.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * An image of one empty directory, in the archive format {@code docker load} reads (a layer, its
 * config and a manifest naming the tag): made here so that a node needs no registry for it.
 */
final class HelperImage {
  private HelperImage() {}

  /** The archive of image {@code tag} whose only content is the directory {@code /<directory>}. */
  static byte[] archive(String tag, String directory) {
    byte[] layer = tar(new Entry(directory + "/", null));
    String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64"; // never run: only its platform must match
    String config = "{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[\"sha256:" + sha256(layer) + "\"]}}";
    byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
    String configName = sha256(configBytes) + ".json";
    String manifest = "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"" + tag + "\"],\"Layers\":[\"layer.tar\"]}]";
    return tar(new Entry("layer.tar", layer), new Entry(configName, configBytes),
        new Entry("manifest.json", manifest.getBytes(StandardCharsets.UTF_8)));
  }

  /** A directory (name ending in /, no content) or a file. */
  private record Entry(String name, byte[] content) {}

  private static byte[] tar(Entry... entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      for (Entry e : entries) {
        TarArchiveEntry entry = new TarArchiveEntry(e.name());
        if (e.content() == null) {
          entry.setMode(040755);
        } else {
          entry.setMode(0100644);
          entry.setSize(e.content().length);
        }
        tar.putArchiveEntry(entry);
        if (e.content() != null) tar.write(e.content());
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA-256", e);
    }
  }
}
