package dev.gpuhub.core.data;

/** A data mount declaration that cannot be; {@link #field()} names the part that is wrong. */
public final class InvalidDataMountException extends IllegalArgumentException {
  private final String field;

  public InvalidDataMountException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
