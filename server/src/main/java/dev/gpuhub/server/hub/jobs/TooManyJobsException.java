package dev.gpuhub.server.hub.jobs;

/** A user has as many active jobs as one may have: HTTP 429. */
public final class TooManyJobsException extends RuntimeException {
  public TooManyJobsException(String message) {
    super(message);
  }
}
