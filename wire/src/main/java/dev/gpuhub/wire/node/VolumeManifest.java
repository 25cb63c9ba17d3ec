package dev.gpuhub.wire.node;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a named volume holds, file by file, as the node API's {@code GET /volumes/<name>/manifest}
 * answers it: every regular file and symbolic link with its path (relative to the volume's root,
 * {@code /} separated), size in bytes and SHA-256 (of the content; of {@code "-> target"} for a link).
 * Two copies of a home are the same when their manifests are; a move is verified by {@link #missingFrom}.
 *
 * @param files       the entries, in the order the archive holds them
 * @param totalBytes  the sum of the files' sizes
 */
public record VolumeManifest(List<Entry> files, long totalBytes) {
  /** One file of a volume. */
  public record Entry(String path, long size, String sha256) {}

  public VolumeManifest {
    files = List.copyOf(files);
  }

  /**
   * The entries of this manifest that {@code copy} lacks or holds with other content (an empty list
   * when {@code copy} holds every file of this one, byte for byte; files only in {@code copy} do not count).
   */
  public List<Entry> missingFrom(VolumeManifest copy) {
    Map<String, Entry> there = new HashMap<>();
    for (Entry e : copy.files()) there.put(e.path(), e);
    return files.stream().filter(e -> !e.equals(there.get(e.path()))).toList();
  }
}
