package dev.gpuhub.server.workload;

import dev.gpuhub.core.config.EnvReader;
import dev.gpuhub.wire.node.ContainerRequest;
import java.util.List;
import java.util.Map;

/**
 * Where users' files live. With {@link Backend#VOLUME} (the default) every user has a home, a
 * Docker named volume {@code gpuhub-home-<user>} on each node they ran on; with {@link Backend#PATH}
 * a directory of the node made from {@code pathTemplate} (storage every node mounts, under each
 * agent's {@code GPUHUB_HOME_ROOT}, which the agent checks). Either is mounted at {@code directory}
 * (the workload user's home, the notebook's working directory) in the user's server, kernel hosts
 * and workers, outlives every container, and nothing in gpuhub removes it. With
 * {@link Backend#NONE} containers keep nothing when they stop.
 *
 * @param backend      {@code GPUHUB_HOMES}: {@code volume}, {@code path} or {@code none}
 * @param directory    {@code GPUHUB_HOME_DIR}: where the home is mounted, the image's home of the
 *                     user containers run as (default {@value #DEFAULT_DIRECTORY})
 * @param pathTemplate {@code GPUHUB_HOME_PATH}, for {@code path}: an absolute directory with
 *                     {@code {user}} as its last part, e.g. {@code /srv/gpuhub/home/{user}}
 * @param quota        the soft limit on a volume home's size ({@link HomeQuota#NONE} for none)
 * @param dataRoot     {@code GPUHUB_DATA_ROOT}: the directory under which every node holds shared
 *                     data (data mounts must lie under it); null when the hub has none
 */
public record Homes(Backend backend, String directory, String pathTemplate, HomeQuota quota, String dataRoot) {
  /** How homes are kept. */
  public enum Backend { VOLUME, PATH, NONE }

  /** Homes of {@code backend} at {@code directory}, without a path template. */
  public Homes(Backend backend, String directory) {
    this(backend, directory, null, HomeQuota.NONE, null);
  }

  /** Homes without a quota and without shared data. */
  public Homes(Backend backend, String directory, String pathTemplate) {
    this(backend, directory, pathTemplate, HomeQuota.NONE, null);
  }

  /** The default image's workload user's home ({@code jovyan}, uid 1000). */
  public static final String DEFAULT_DIRECTORY = "/home/jovyan";
  /** Volumes, files and defaults as a fresh installation has them. */
  public static final Homes DEFAULT = new Homes(Backend.VOLUME, DEFAULT_DIRECTORY);
  /** The prefix of every home volume; the user's name follows. */
  public static final String VOLUME_PREFIX = "gpuhub-home-";

  public Homes {
    if (backend == null) backend = Backend.VOLUME;
    if (quota == null) quota = HomeQuota.NONE;
    if (dataRoot != null && (dataRoot.isBlank() || !dataRoot.matches("(/[A-Za-z0-9_.@+-]+)+") || dataRoot.contains("/.."))) {
      throw new IllegalArgumentException("GPUHUB_DATA_ROOT must be an absolute directory such as /srv/gpuhub/data, was '"
          + dataRoot + "'");
    }
    if (directory == null || !directory.matches("(/[A-Za-z0-9_.@+-]+)+") || directory.contains("/..")) {
      throw new IllegalArgumentException("GPUHUB_HOME_DIR must be an absolute path such as " + DEFAULT_DIRECTORY
          + ", was '" + directory + "'");
    }
    if (backend == Backend.PATH && (pathTemplate == null || !pathTemplate.matches("(/[A-Za-z0-9_.@+-]+)+/\\{user}")
        || pathTemplate.contains("/.."))) {
      throw new IllegalArgumentException("GPUHUB_HOME_PATH must be an absolute directory ending in /{user}, such as "
          + "/srv/gpuhub/home/{user}, when GPUHUB_HOMES=path; was '" + pathTemplate + "'");
    }
  }

  public static Homes fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    return new Homes(r.choice("GPUHUB_HOMES", Backend.class, Backend.VOLUME), r.string("GPUHUB_HOME_DIR", DEFAULT_DIRECTORY),
        env.get("GPUHUB_HOME_PATH"), HomeQuota.fromEnv(env),
        env.get("GPUHUB_DATA_ROOT") == null || env.get("GPUHUB_DATA_ROOT").isBlank() ? null : env.get("GPUHUB_DATA_ROOT").strip());
  }

  /** The volume holding {@code user}'s home on a node. */
  public static String volumeOf(String user) {
    return VOLUME_PREFIX + user;
  }

  /**
   * What a container of {@code user}'s mounts: their home, or nothing.
   *
   * @throws IllegalArgumentException for a name that would not make one directory under the template's root
   */
  public List<ContainerRequest.Volume> mountsFor(String user) {
    return switch (backend) {
      case VOLUME -> List.of(new ContainerRequest.Volume(volumeOf(user), directory, false));
      case PATH -> {
        if (user == null || !user.matches("[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]*")) {
          throw new IllegalArgumentException("the user name '" + user + "' cannot name a home directory");
        }
        yield List.of(ContainerRequest.Volume.ofPath(pathTemplate.replace("{user}", user), directory));
      }
      case NONE -> List.of();
    };
  }
}
