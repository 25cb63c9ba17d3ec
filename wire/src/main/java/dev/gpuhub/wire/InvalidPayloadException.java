package dev.gpuhub.wire;

/**
 * A request body that is not what the API accepts. {@link #field()} names the offending field
 * (a JSON path such as {@code gpu_info[2].uuid}) or is {@code null} for the body as a whole; the
 * message says what is wrong and what is accepted. Nothing has been stored when this is thrown.
 */
public class InvalidPayloadException extends RuntimeException {
  private final String field;

  public InvalidPayloadException(String field, String message) {
    super(field == null ? message : "field '" + field + "' " + message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
