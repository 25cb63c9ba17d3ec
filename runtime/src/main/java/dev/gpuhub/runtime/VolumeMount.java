package dev.gpuhub.runtime;

import java.util.regex.Pattern;

/**
 * Storage mounted into a container, kept on the node when the container goes: a Docker named
 * volume (removing a container never removes one; the runtime creates a missing one, labelled as
 * gpuhub's, and Docker fills a new volume with what the image has at {@code target}, its owner
 * included), or, with {@code hostPath}, a directory of the node under its {@link HostRoots}.
 *
 * @param volume   the volume's name ({@value #PREFIX} and then letters, digits, '.', '_', '-'), or
 *                 with {@code hostPath} the node's directory (absolute, without {@code .} or {@code ..})
 * @param target   where it appears in the container: an absolute path, not {@code /}, without
 *                 {@code .} or {@code ..} parts, not under /proc, /sys, /dev or the secrets directory
 * @param readOnly whether the container may only read it
 * @param hostPath whether {@code volume} is a directory of the node rather than a volume's name
 */
public record VolumeMount(String volume, String target, boolean readOnly, boolean hostPath) {
  /** A named volume. */
  public VolumeMount(String volume, String target, boolean readOnly) {
    this(volume, target, readOnly, false);
  }

  /** Every volume gpuhub mounts is named so: no other volume on the node can be asked for. */
  public static final String PREFIX = "gpuhub-";
  private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,120}");
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_.@+-]+)+");

  public VolumeMount {
    if (hostPath) {
      if (volume == null || !PATH.matcher(volume).matches() || isDotted(volume)) {
        throw new InvalidContainerSpecException("volumes", "volumes: path '" + volume + "' is not an absolute directory "
            + "such as /srv/gpuhub/home/alice");
      }
    } else if (volume == null || !NAME.matcher(volume).matches()) {
      throw new InvalidContainerSpecException("volumes", "volumes: '" + volume + "' is not a volume gpuhub may mount: "
          + "names start with " + PREFIX + " and use letters, digits, '.', '_' and '-'");
    }
    if (target == null || !PATH.matcher(target).matches() || isDotted(target)) {
      throw new InvalidContainerSpecException("volumes", "volumes: target '" + target + "' is not an absolute path "
          + "such as /home/jovyan");
    }
    for (String reserved : new String[] {"/proc", "/sys", "/dev", ContainerSpec.SECRETS_DIR}) {
      if (target.equals(reserved) || target.startsWith(reserved + "/")) {
        throw new InvalidContainerSpecException("volumes", "volumes: target '" + target + "' is under " + reserved
            + ", where nothing may be mounted");
      }
    }
  }

  private static boolean isDotted(String path) {
    return path.contains("/./") || path.contains("/../") || path.endsWith("/.") || path.endsWith("/..");
  }
}
