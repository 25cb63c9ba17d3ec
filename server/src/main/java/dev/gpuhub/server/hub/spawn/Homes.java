package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.config.EnvReader;
import dev.gpuhub.wire.node.ContainerRequest;
import java.util.List;
import java.util.Map;

/**
 * Where users' files live: with {@link Backend#VOLUME} (the default) every user has a home, a
 * Docker named volume {@code gpuhub-home-<user>} on each node they ran on, mounted at
 * {@code directory} (the workload user's home, the notebook's working directory) in their server,
 * kernel hosts and workers. It outlives every container; nothing in gpuhub removes it. With
 * {@link Backend#NONE} containers keep nothing when they stop.
 *
 * @param backend   {@code GPUHUB_HOMES}: {@code volume} or {@code none}
 * @param directory {@code GPUHUB_HOME_DIR}: where the home is mounted, the image's home of the
 *                  user containers run as (default {@value #DEFAULT_DIRECTORY})
 */
public record Homes(Backend backend, String directory) {
  /** How homes are kept. */
  public enum Backend { VOLUME, NONE }

  /** The default image's workload user's home ({@code jovyan}, uid 1000). */
  public static final String DEFAULT_DIRECTORY = "/home/jovyan";
  /** Volumes, files and defaults as a fresh installation has them. */
  public static final Homes DEFAULT = new Homes(Backend.VOLUME, DEFAULT_DIRECTORY);
  /** The prefix of every home volume; the user's name follows. */
  public static final String VOLUME_PREFIX = "gpuhub-home-";

  public Homes {
    if (backend == null) backend = Backend.VOLUME;
    if (directory == null || !directory.matches("(/[A-Za-z0-9_.@+-]+)+") || directory.contains("/..")) {
      throw new IllegalArgumentException("GPUHUB_HOME_DIR must be an absolute path such as " + DEFAULT_DIRECTORY
          + ", was '" + directory + "'");
    }
  }

  public static Homes fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    return new Homes(r.choice("GPUHUB_HOMES", Backend.class, Backend.VOLUME), r.string("GPUHUB_HOME_DIR", DEFAULT_DIRECTORY));
  }

  /** The volume holding {@code user}'s home on a node. */
  public static String volumeOf(String user) {
    return VOLUME_PREFIX + user;
  }

  /** What a container of {@code user}'s mounts: their home, or nothing. */
  public List<ContainerRequest.Volume> mountsFor(String user) {
    return backend == Backend.VOLUME ? List.of(new ContainerRequest.Volume(volumeOf(user), directory, false)) : List.of();
  }
}
