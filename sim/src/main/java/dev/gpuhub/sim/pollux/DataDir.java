package dev.gpuhub.sim.pollux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the Pollux data folder is: {@code --data} when given, else {@code ../shared/data/pollux}
 * next to the repository root ({@code GPUHUB_HOME}, set by ./gpuhub, or the current directory).
 */
public final class DataDir {
  private DataDir() {}

  /** @throws IllegalArgumentException naming the folders tried when none is a data folder */
  public static Path resolve(Path explicit) {
    if (explicit != null) {
      if (!Files.isDirectory(explicit.resolve("traces"))) {
        throw new IllegalArgumentException("--data " + explicit + ": not a Pollux data folder (needs traces/ and workloads/)");
      }
      return explicit;
    }
    Set<Path> roots = new LinkedHashSet<>();
    String home = System.getenv("GPUHUB_HOME");
    if (home != null && !home.isBlank()) roots.add(Path.of(home).toAbsolutePath().normalize());
    Path cwd = Path.of("").toAbsolutePath().normalize();
    roots.add(cwd);
    if (cwd.getParent() != null) roots.add(cwd.getParent());
    List<Path> tried = new ArrayList<>();
    for (Path root : roots) {
      Path parent = root.getParent();
      if (parent == null) continue;
      Path candidate = parent.resolve("shared").resolve("data").resolve("pollux");
      tried.add(candidate);
      if (Files.isDirectory(candidate.resolve("traces"))) return candidate;
    }
    throw new IllegalArgumentException("no Pollux data folder found (tried " + tried + "); pass --data DIR");
  }
}
