package dev.gpuhub.server.http;

/** The request lacks the credentials the endpoint needs (HTTP 401). */
public class UnauthorizedException extends RuntimeException {
  public UnauthorizedException(String message) {
    super(message);
  }
}
