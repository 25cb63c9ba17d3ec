package dev.gpuhub.server.hub.auth;

/** A state-changing request failed the {@code _xsrf} check: HTTP 403, nothing was done. */
public class XsrfException extends ForbiddenException {
  public XsrfException(String message) {
    super(message);
  }
}
