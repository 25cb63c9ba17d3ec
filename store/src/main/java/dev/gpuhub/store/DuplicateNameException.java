package dev.gpuhub.store;

/** A record with this unique name already exists; nothing was written. */
public class DuplicateNameException extends RuntimeException {
  public DuplicateNameException(String message) {
    super(message);
  }
}
