package dev.gpuhub.runtime;

import java.util.regex.Pattern;

/**
 * A Docker named volume mounted into a container: a user's home, kept on the node when the
 * container goes (removing a container never removes a named volume). The runtime creates the
 * volume on first use, labelled as gpuhub's; Docker fills a new volume with what the image has at
 * {@code target} (its owner included), so a home starts as the image's home directory.
 *
 * @param volume   the volume's name: {@value #PREFIX} and then letters, digits, '.', '_', '-'
 * @param target   where it appears in the container: an absolute path, not {@code /}, without
 *                 {@code .} or {@code ..} parts, not under /proc, /sys, /dev or the secrets directory
 * @param readOnly whether the container may only read it
 */
public record VolumeMount(String volume, String target, boolean readOnly) {
  /** Every volume gpuhub mounts is named so: no other volume on the node can be asked for. */
  public static final String PREFIX = "gpuhub-";
  private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,120}");
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_.@+-]+)+");

  public VolumeMount {
    if (volume == null || !NAME.matcher(volume).matches()) {
      throw new InvalidContainerSpecException("volumes", "volumes: '" + volume + "' is not a volume gpuhub may mount: "
          + "names start with " + PREFIX + " and use letters, digits, '.', '_' and '-'");
    }
    if (target == null || !PATH.matcher(target).matches() || target.contains("/./") || target.contains("/../")
        || target.endsWith("/.") || target.endsWith("/..")) {
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
}
