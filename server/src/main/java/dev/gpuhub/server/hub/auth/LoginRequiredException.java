package dev.gpuhub.server.hub.auth;

/**
 * The request carries no valid session or API token. Pages answer 302 to {@code /hub/login?next=...};
 * {@code /hub/api} answers 403, as JupyterHub does.
 */
public class LoginRequiredException extends RuntimeException {
  public LoginRequiredException(String message) {
    super(message);
  }
}
