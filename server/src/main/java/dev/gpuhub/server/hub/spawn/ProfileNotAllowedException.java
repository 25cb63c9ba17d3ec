package dev.gpuhub.server.hub.spawn;

/** A user asked for a profile limited to groups they are not in: HTTP 403, the message names the groups. */
public class ProfileNotAllowedException extends RuntimeException {
  public ProfileNotAllowedException(String message) {
    super(message);
  }
}
