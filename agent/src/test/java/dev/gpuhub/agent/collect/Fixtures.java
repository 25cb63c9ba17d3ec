package dev.gpuhub.agent.collect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Recorded nvidia-smi outputs under src/test/resources/nvidia-smi, and fake nvidia-smi scripts. */
final class Fixtures {
  private Fixtures() {}

  static Path path(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/nvidia-smi/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing fixture nvidia-smi/" + name, e);
    }
  }

  static String read(String name) {
    try {
      return Files.readString(path(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An executable shell script in {@code dir} with the given body. */
  static Path script(Path dir, String name, String body) {
    try {
      Path script = dir.resolve(name);
      Files.writeString(script, "#!/bin/sh\n" + body + "\n");
      if (!script.toFile().setExecutable(true)) throw new IllegalStateException("cannot chmod " + script);
      return script;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fake nvidia-smi that prints a recorded output, after checking it was asked the right query. */
  static Path nvidiaSmiPrinting(Path dir, String fixture) {
    return script(dir, "nvidia-smi", "[ \"$1\" = \"--query-gpu=" + NvidiaSmiCsvParser.QUERY + "\" ] || exit 9\n"
        + "[ \"$2\" = \"--format=csv,noheader,nounits\" ] || exit 9\n"
        + "cat '" + path(fixture) + "'");
  }

  /**
   * A fake nvidia-smi that prints recorded GPUs for the GPU query and recorded processes for the
   * compute-apps query (any other arguments: exit 9).
   */
  static Path nvidiaSmiPrinting(Path dir, String gpusFixture, String appsFixture) {
    return script(dir, "nvidia-smi", "case \"$1 $2\" in\n"
        + "  \"--query-gpu=" + NvidiaSmiCsvParser.QUERY + " --format=csv,noheader,nounits\") cat '" + path(gpusFixture) + "';;\n"
        + "  \"" + String.join(" ", NvidiaSmiComputeAppsParser.ARGUMENTS) + "\") cat '" + path(appsFixture) + "';;\n"
        + "  *) exit 9;;\n"
        + "esac");
  }
}
