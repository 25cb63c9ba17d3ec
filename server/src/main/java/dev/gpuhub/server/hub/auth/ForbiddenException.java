package dev.gpuhub.server.hub.auth;

/** The request is authenticated (or anonymous where that is allowed) but not permitted: HTTP 403. */
public class ForbiddenException extends RuntimeException {
  public ForbiddenException(String message) {
    super(message);
  }
}
