package dev.gpuhub.runtime;

import java.util.Objects;

/**
 * {@link ContainerRuntime#start} could not start a container. When this is thrown no container of
 * the spec is left behind. {@link #reason()} tells callers which answer to give; the message names
 * the container, the image and the daemon's own reason, and how to fix it where we know.
 */
public class ContainerStartException extends RuntimeException {

  /** Why the start failed. */
  public enum Reason {
    /** The image is not present on the node; runtimes never pull. */
    IMAGE_NOT_FOUND,
    /** A container (running or not) already has the requested name. */
    NAME_IN_USE,
    /** Anything else the daemon refused or that failed after creation (bad command, device driver, ...). */
    FAILED
  }

  private final Reason reason;

  public ContainerStartException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }

  /** The standard failure for an image that is not on this node. */
  public static ContainerStartException imageNotFound(String image, Throwable cause) {
    return new ContainerStartException(Reason.IMAGE_NOT_FOUND, "image '" + image + "' not found on this node: "
        + "build it with ./gpuhub build-image (the default notebook image) or load it into this node's Docker", cause);
  }

  /** The standard failure for a name that another container already has. */
  public static ContainerStartException nameInUse(String name, Throwable cause) {
    return new ContainerStartException(Reason.NAME_IN_USE, "container name '" + name + "' is already in use on this node: "
        + "remove that container first or choose another name", cause);
  }
}
