package dev.gpuhub.app;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gpuhub build-image}: builds the default notebook image with no registry (scripts/build-notebook-image.sh). */
@Command(name = "build-image", mixinStandardHelpOptions = true,
    description = {"Builds the default Jupyter image (gpuhub-notebook:latest) from Debian packages, no registry:",
        "debootstrap + python3-notebook + python3-ipykernel, then docker import. Needs root and a Docker daemon."})
final class BuildImageCommand implements Callable<Integer> {
  @Parameters(index = "0", defaultValue = "gpuhub-notebook:latest", description = "Image name (default: ${DEFAULT-VALUE})")
  String image;

  @Override
  public Integer call() throws Exception {
    Path script = home().resolve("scripts").resolve("build-notebook-image.sh");
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException("cannot find " + script + ": run ./gpuhub from the repository (GPUHUB_HOME)");
    }
    Process p = new ProcessBuilder(script.toString(), image).inheritIO().start();
    return p.waitFor();
  }

  private static Path home() {
    String env = System.getenv("GPUHUB_HOME");
    if (env != null && !env.isBlank()) return Path.of(env);
    try {
      // app/target/gpuhub.jar -> repository root
      return Path.of(BuildImageCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .getParent().getParent().getParent();
    } catch (Exception e) {
      return new File(".").toPath();
    }
  }
}
