package dev.gpuhub.server.hub.auth;

/**
 * A user name or new password breaks the rules (see {@link Credentials}); the message says which
 * rule and how to fix it. Nothing was stored. An {@link IllegalArgumentException}, so the API
 * answers 400.
 */
public class InvalidCredentialsException extends IllegalArgumentException {
  public InvalidCredentialsException(String message) {
    super(message);
  }
}
