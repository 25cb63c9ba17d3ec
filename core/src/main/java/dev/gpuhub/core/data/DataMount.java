package dev.gpuhub.core.data;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Shared data an administrator declares: a directory of the nodes (under their data root)
 * mounted at {@code target} in the servers of the listed profiles, read-only (a dataset) or
 * read-write (a group's project directory). Empty {@code profiles} means every profile; a server
 * of a user gets the mount when its profile is listed and, when {@code groups} is not empty, the
 * user belongs to one of them.
 *
 * @param name     lower-case letters, digits and '-', 1-63 characters
 * @param path     the directory on every node, absolute, without {@code .} or {@code ..}
 * @param target   where it appears in the containers, absolute, not {@code /} nor under a system directory
 * @param readOnly whether containers may only read it
 * @param profiles names of the profiles whose servers get it (empty: all)
 * @param groups   names of the groups whose members get it (empty: everyone)
 */
public record DataMount(String name, String path, String target, boolean readOnly, List<String> profiles,
                        List<String> groups) {
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  /** Absolute paths of plain parts, as the nodes accept them. */
  public static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_.@+-]+)+");
  /** Where nothing may be mounted. */
  public static final List<String> RESERVED_TARGETS = List.of("/proc", "/sys", "/dev", "/gpuhub", "/etc", "/usr",
      "/bin", "/sbin", "/lib", "/lib64", "/var", "/tmp");

  /** @throws IllegalArgumentException with {@link InvalidDataMountException#field()} naming what is wrong */
  public DataMount {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidDataMountException("name", "name must be 1-63 lower-case letters, digits or '-', was '" + name + "'");
    }
    if (path == null || !PATH.matcher(path).matches() || dotted(path)) {
      throw new InvalidDataMountException("path", "path must be an absolute directory such as /srv/gpuhub/data/imagenet, "
          + "was '" + path + "'");
    }
    if (target == null || !PATH.matcher(target).matches() || dotted(target)) {
      throw new InvalidDataMountException("target", "target must be an absolute path such as /data/imagenet, was '"
          + target + "'");
    }
    for (String reserved : RESERVED_TARGETS) {
      if (target.equals(reserved) || target.startsWith(reserved + "/")) {
        throw new InvalidDataMountException("target", "target '" + target + "' is under " + reserved
            + ", where nothing may be mounted; use e.g. /data/" + name);
      }
    }
    profiles = profiles == null ? List.of() : List.copyOf(profiles);
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  /** Whether a server of {@code profile} for a member of {@code userGroups} gets this mount. */
  public boolean appliesTo(String profile, List<String> userGroups) {
    return (profiles.isEmpty() || profiles.contains(profile))
        && (groups.isEmpty() || userGroups.stream().anyMatch(groups::contains));
  }

  private static boolean dotted(String path) {
    return path.contains("/./") || path.contains("/../") || path.endsWith("/.") || path.endsWith("/..");
  }
}
