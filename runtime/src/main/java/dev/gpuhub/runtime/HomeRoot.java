package dev.gpuhub.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The one directory of the node under which users' homes may be host directories (the {@code path}
 * home backend: a lab file server, NFS or CephFS mounted on every node), {@code GPUHUB_HOME_ROOT}.
 * A requested directory must lie strictly under it, written without {@code .} or {@code ..}, and
 * no part of it below the root may be a symbolic link, so no request reaches anything else on the
 * node; it is made when missing, owned by the workload user, 0700. Without a root the node mounts
 * no host directory at all.
 */
public final class HomeRoot {
  /** Environment variable naming the root. */
  public static final String ENV = "GPUHUB_HOME_ROOT";
  /** A node that mounts no host directory. */
  public static final HomeRoot NONE = new HomeRoot(null);

  private final Path root;

  private HomeRoot(Path root) {
    this.root = root;
  }

  /**
   * The root at {@code root}, which must be an absolute path.
   *
   * @throws IllegalArgumentException naming {@value #ENV} otherwise
   */
  public static HomeRoot of(Path root) {
    if (!root.isAbsolute() || !root.normalize().equals(root) || root.getNameCount() == 0) {
      throw new IllegalArgumentException(ENV + " must be an absolute directory such as /srv/gpuhub/home, was '" + root + "'");
    }
    return new HomeRoot(root);
  }

  /** The root {@code env} names, or {@link #NONE}. */
  public static HomeRoot fromEnv(Map<String, String> env) {
    String value = env.get(ENV);
    return value == null || value.isBlank() ? NONE : of(Path.of(value.strip()));
  }

  /**
   * Checks {@code directory} against the root and makes it (owner {@code uid:gid}, 0700) when
   * missing; returns it.
   *
   * @throws InvalidContainerSpecException (field {@code volumes}) when it is not allowed
   * @throws IllegalStateException when it cannot be made
   */
  public Path prepare(String directory, int uid, int gid) {
    if (root == null) {
      throw new InvalidContainerSpecException("volumes", "volumes: this node mounts no host directory ('" + directory
          + "'): its agent has no " + ENV);
    }
    Path p = Path.of(directory);
    if (!p.isAbsolute() || !p.normalize().equals(p) || !p.startsWith(root) || p.equals(root)) {
      throw new InvalidContainerSpecException("volumes", "volumes: '" + directory + "' is not a directory under this "
          + "node's " + ENV + " (" + root + ")");
    }
    try {
      Path at = root;
      for (Path part : root.relativize(p)) {
        at = at.resolve(part);
        if (Files.isSymbolicLink(at)) {
          throw new InvalidContainerSpecException("volumes", "volumes: '" + directory + "' passes through a symbolic link ("
              + at + "); homes must be real directories under " + root);
        }
        if (Files.exists(at, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
          throw new InvalidContainerSpecException("volumes", "volumes: " + at + " is not a directory");
        }
      }
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

  @Override
  public String toString() {
    return root == null ? "none" : root.toString();
  }
}
