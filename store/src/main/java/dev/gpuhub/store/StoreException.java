package dev.gpuhub.store;

/** A store failed (connection lost, constraint violated...); the operation wrote nothing. */
public class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
