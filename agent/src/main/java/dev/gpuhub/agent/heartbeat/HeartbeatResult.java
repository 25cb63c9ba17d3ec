package dev.gpuhub.agent.heartbeat;

/**
 * The outcome of one heartbeat.
 *
 * @param outcome what happened
 * @param status  the HTTP status, or 0 when no answer came
 * @param detail  the server's answer (truncated) or the error, for logs
 */
public record HeartbeatResult(Outcome outcome, int status, String detail) {

  /** What one heartbeat came to. */
  public enum Outcome {
    /** 2xx with a valid proof: the server stored the report. */
    OK,
    /** The server answered with a non-2xx status. */
    HTTP_ERROR,
    /** 2xx without a valid {@code X-Gpuhub-Proof}: not our server, or a different token. */
    BAD_PROOF,
    /** No answer: connection refused, timeout, DNS, or the report could not be collected. */
    ERROR
  }

  public static HeartbeatResult ok(int status) {
    return new HeartbeatResult(Outcome.OK, status, "");
  }

  public static HeartbeatResult error(String detail) {
    return new HeartbeatResult(Outcome.ERROR, 0, detail);
  }

  public boolean isOk() {
    return outcome == Outcome.OK;
  }

  /** One line for logs, e.g. "HTTP 503: store unavailable". */
  public String describe() {
    return switch (outcome) {
      case OK -> "HTTP " + status;
      case HTTP_ERROR -> "HTTP " + status + (detail.isBlank() ? "" : ": " + detail);
      case BAD_PROOF -> "HTTP " + status + " without a valid proof of the token";
      case ERROR -> detail;
    };
  }
}
