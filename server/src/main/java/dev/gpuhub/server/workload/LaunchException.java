package dev.gpuhub.server.workload;

/** A workload could not be started, stopped or adopted; the message is fit to show the user. */
public class LaunchException extends RuntimeException {
  public LaunchException(String message) {
    super(message);
  }
}
