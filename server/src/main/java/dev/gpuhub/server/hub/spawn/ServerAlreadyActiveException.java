package dev.gpuhub.server.hub.spawn;

/** The user already has a server that is starting, running or stopping (HTTP 409). */
public class ServerAlreadyActiveException extends IllegalStateException {
  public ServerAlreadyActiveException(String message) {
    super(message);
  }
}
