package dev.gpuhub.runtime;

/** A pull the registry or the daemon refused or could not finish; the message says why. */
public class ImagePullException extends RuntimeException {
  public ImagePullException(String message, Throwable cause) {
    super(message, cause);
  }
}
