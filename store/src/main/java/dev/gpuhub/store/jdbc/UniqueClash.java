package dev.gpuhub.store.jdbc;

import dev.gpuhub.store.DuplicateNameException;
import dev.gpuhub.store.StoreException;
import java.util.function.Supplier;

/** Turns a unique-constraint violation of a write into a {@link DuplicateNameException}. */
final class UniqueClash {
  private UniqueClash() {}

  /**
   * Runs {@code write}; a unique violation becomes a {@link DuplicateNameException} with
   * {@code message} (the write was rolled back), any other failure propagates unchanged.
   */
  static <T> T orDuplicate(String message, Supplier<T> write) {
    try {
      return write.get();
    } catch (StoreException e) {
      if (!Jdbc.isUniqueViolation(e.getCause())) throw e;
      DuplicateNameException duplicate = new DuplicateNameException(message);
      duplicate.initCause(e.getCause());
      throw duplicate;
    }
  }
}
