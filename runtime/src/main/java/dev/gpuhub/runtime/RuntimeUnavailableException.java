package dev.gpuhub.runtime;

/**
 * The container daemon could not be reached or did not answer in time. The message names the
 * daemon address and how to fix it (start the daemon, or point the agent at the right socket).
 */
public class RuntimeUnavailableException extends RuntimeException {
  public RuntimeUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
