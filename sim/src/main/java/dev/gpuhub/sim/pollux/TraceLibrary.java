package dev.gpuhub.sim.pollux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The artifact's data folder ({@code traces/<model>/...}); each model is loaded once, on first use.
 * Known models get the artifact's settings: epochs to completion bert 2, cifar10 100, ncf 10,
 * imagenet 90, deepspeech2 80, yolov3 50 (local batch capped at 8). Other models found under
 * traces/ run for as many epochs as their validation traces have.
 */
public final class TraceLibrary {
  /** model -> {epochs, max local batch (0 = measured)}. */
  static final Map<String, int[]> KNOWN = Map.of(
      "bert", new int[] {2, 0},
      "cifar10", new int[] {100, 0},
      "ncf", new int[] {10, 0},
      "imagenet", new int[] {90, 0},
      "deepspeech2", new int[] {80, 0},
      "yolov3", new int[] {50, 8});

  private final Path dataDir;
  private final Map<String, Application> loaded = new HashMap<>();

  public TraceLibrary(Path dataDir) {
    if (!Files.isDirectory(dataDir.resolve("traces"))) {
      throw new TraceDataException(dataDir + ": not a Pollux data folder (no traces/ inside)");
    }
    this.dataDir = dataDir;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Whether traces/&lt;name&gt; exists. */
  public boolean has(String name) {
    return !name.contains("/") && !name.contains("\\") && !name.startsWith(".")
        && Files.isDirectory(dataDir.resolve("traces").resolve(name));
  }

  public List<String> available() {
    try (Stream<Path> s = Files.list(dataDir.resolve("traces"))) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new TraceDataException(dataDir.resolve("traces") + ": cannot list: " + e.getMessage());
    }
  }

  public synchronized Application application(String name) {
    Application app = loaded.get(name);
    if (app == null) {
      if (!has(name)) {
        throw new TraceDataException("no traces for model '" + name + "' in " + dataDir.resolve("traces")
            + " (have " + String.join(", ", available()) + ")");
      }
      int[] spec = KNOWN.getOrDefault(name, new int[] {0, 0});
      app = Application.load(dataDir.resolve("traces").resolve(name), spec[0], spec[1]);
      loaded.put(name, app);
    }
    return app;
  }
}
