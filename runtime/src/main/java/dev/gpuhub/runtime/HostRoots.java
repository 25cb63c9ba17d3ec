package dev.gpuhub.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The only directories of a node that its containers may mount: users' homes under
 * {@code GPUHUB_HOME_ROOT} (the {@code path} home backend: a lab file server, NFS or CephFS
 * mounted on every node) and shared data under {@code GPUHUB_DATA_ROOT} (datasets, group
 * projects). A requested directory must lie under one of them (strictly, for a home), written
 * without {@code .} or {@code ..}, and no part of it below the root may be a symbolic link, so no
 * request reaches anything else on the node. A missing home is made, owned by the workload user,
 * 0700; a data directory must exist (an administrator makes it). Without roots the node mounts no
 * host directory at all.
 */
public final class HostRoots {
  /** Environment variable naming the homes' root. */
  public static final String ENV = "GPUHUB_HOME_ROOT";
  /** Environment variable naming the shared data's root. */
  public static final String DATA_ENV = "GPUHUB_DATA_ROOT";
  /** A node that mounts no host directory. */
  public static final HostRoots NONE = new HostRoots(null, null);

  private final Path root;
  private final Path dataRoot;

  private HostRoots(Path root, Path dataRoot) {
    this.root = root;
    this.dataRoot = dataRoot;
  }

  /**
   * Homes under {@code root}, which must be an absolute path; no data root.
   *
   * @throws IllegalArgumentException naming {@value #ENV} otherwise
   */
  public static HostRoots of(Path root) {
    return new HostRoots(absolute(root, ENV, "/srv/gpuhub/home"), null);
  }

  /** These roots with shared data under {@code dataRoot} (absolute), or none when null. */
  public HostRoots withDataRoot(Path dataRoot) {
    return new HostRoots(root, dataRoot == null ? null : absolute(dataRoot, DATA_ENV, "/srv/gpuhub/data"));
  }

  private static Path absolute(Path p, String env, String example) {
    if (!p.isAbsolute() || !p.normalize().equals(p) || p.getNameCount() == 0) {
      throw new IllegalArgumentException(env + " must be an absolute directory such as " + example + ", was '" + p + "'");
    }
    return p;
  }

  /** The roots {@code env} names ({@value #ENV}, {@value #DATA_ENV}), or {@link #NONE}. */
  public static HostRoots fromEnv(Map<String, String> env) {
    String homes = env.get(ENV);
    String data = env.get(DATA_ENV);
    HostRoots roots = homes == null || homes.isBlank() ? NONE : of(Path.of(homes.strip()));
    return data == null || data.isBlank() ? roots : roots.withDataRoot(Path.of(data.strip()));
  }

  /**
   * Checks {@code directory} against the roots and returns it: under the data root it must be an
   * existing directory; under the homes' root it is made (owner {@code uid:gid}, 0700) when missing.
   *
   * @throws InvalidContainerSpecException (field {@code volumes}) when it is not allowed
   * @throws IllegalStateException when a home cannot be made
   */
  public Path prepare(String directory, int uid, int gid) {
    if (root == null && dataRoot == null) {
      throw new InvalidContainerSpecException("volumes", "volumes: this node mounts no host directory ('" + directory
          + "'): its agent has no " + ENV + " or " + DATA_ENV);
    }
    Path p = Path.of(directory);
    boolean normal = p.isAbsolute() && p.normalize().equals(p);
    if (normal && dataRoot != null && p.startsWith(dataRoot)) {
      requireRealDirectories(dataRoot, p, directory, true);
      return p;
    }
    if (!normal || root == null || !p.startsWith(root) || p.equals(root)) {
      throw new InvalidContainerSpecException("volumes", "volumes: '" + directory + "' is not a directory under this "
          + "node's " + ENV + " (" + (root == null ? "none" : root) + ") or " + DATA_ENV + " ("
          + (dataRoot == null ? "none" : dataRoot) + ")");
    }
    try {
      requireRealDirectories(root, p, directory, false);
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(p.getParent());
        Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
      }
      return p;
    } catch (IOException e) {
      throw new IllegalStateException("cannot make the home directory " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Every part of {@code p} from {@code base} down is a real directory (or, unless {@code mustExist}, missing). */
  private static void requireRealDirectories(Path base, Path p, String directory, boolean mustExist) {
    Path at = base;
    for (Path part : base.relativize(p)) {
      at = at.resolve(part);
      if (Files.isSymbolicLink(at)) {
        throw new InvalidContainerSpecException("volumes", "volumes: '" + directory + "' passes through a symbolic link ("
            + at + "); only real directories under " + base + " are mounted");
      }
      if (Files.exists(at, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidContainerSpecException("volumes", "volumes: " + at + " is not a directory");
      }
    }
    if (mustExist && (Files.isSymbolicLink(base) || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
      throw new InvalidContainerSpecException("volumes", "volumes: the data directory " + directory + " does not exist "
          + "on this node (an administrator makes it under " + base + ")");
    }
  }

  @Override
  public String toString() {
    return "homes " + (root == null ? "none" : root) + ", data " + (dataRoot == null ? "none" : dataRoot);
  }
}
