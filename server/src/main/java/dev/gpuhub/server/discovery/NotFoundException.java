package dev.gpuhub.server.discovery;

/** The named resource does not exist (HTTP 404). */
public class NotFoundException extends RuntimeException {
  public NotFoundException(String message) {
    super(message);
  }
}
