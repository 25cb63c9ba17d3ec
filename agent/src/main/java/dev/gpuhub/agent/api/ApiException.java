package dev.gpuhub.agent.api;

/**
 * A request the node API answers with an error: the HTTP status, a message naming the problem and
 * the fix, and for a bad value the snake_case name of its field ({@code null} otherwise).
 */
final class ApiException extends RuntimeException {
  private final int status;
  private final String field;

  ApiException(int status, String message, String field) {
    super(message);
    this.status = status;
    this.field = field;
  }

  static ApiException badField(String field, String message) {
    return new ApiException(400, message, field);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, message, null);
  }

  int status() {
    return status;
  }

  String field() {
    return field;
  }
}
