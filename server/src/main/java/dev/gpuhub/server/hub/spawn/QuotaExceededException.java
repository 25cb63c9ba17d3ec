package dev.gpuhub.server.hub.spawn;

/** A start would break a user's or a group's quota: HTTP 403; the message names the quota and the numbers. */
public class QuotaExceededException extends RuntimeException {
  public QuotaExceededException(String message) {
    super(message);
  }
}
