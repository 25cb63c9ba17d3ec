package dev.gpuhub.server.http;

/**
 * A feature's own exception and the HTTP status it is answered with; the exception's message
 * becomes the JSON {@code error}. Features register theirs with {@link ApiErrors#install}, so the
 * HTTP layer knows no feature.
 */
public record ErrorMapping(Class<? extends Exception> type, int status) {
  public ErrorMapping {
    if (status < 400 || status > 599) throw new IllegalArgumentException("status " + status + " is not an error status");
  }
}
