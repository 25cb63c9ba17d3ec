package dev.gpuhub.broker;

import dev.gpuhub.core.balance.Strategy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The seed's text protocol: requests, the worker's reply, our error lines. See {@code package-info}. */
public final class BrokerProtocol {
  private BrokerProtocol() {}

  /** The first field of every request. */
  public static final String APP_ID = "AppID";
  /** What a worker answers, exactly (the seed's {@code b"Response from Worker"}). */
  public static final String WORKER_REPLY = "Response from Worker";
  /** The seed reads requests with {@code recv(1024)}: longer ones are malformed. */
  public static final int MAX_REQUEST_BYTES = 1024;
  /** The most of a worker's reply the broker relays (the seed relays one {@code recv(1024)}). */
  public static final int MAX_REPLY_BYTES = 64 * 1024;
  /** What starts every error line. */
  public static final String ERROR_PREFIX = "ERROR: ";

  private static final List<String> CLIENT_FORMS = forms(true);
  private static final List<String> WORKER_FORMS = forms(false);

  /** A parsed client request. */
  public record ClientRequest(AppType type, Strategy strategy) {
    /** The bytes the seed's client sends: {@code AppID:<type>:<approach>}. */
    public String encode() {
      return clientRequest(type, strategy);
    }
  }

  /** {@code AppID:Long:least_connections}: what a client sends to the broker. */
  public static String clientRequest(AppType type, Strategy strategy) {
    return APP_ID + ":" + type.wireName() + ":" + strategy.wireName();
  }

  /** {@code AppID:Long}: what the broker sends to a worker. */
  public static String workerRequest(AppType type) {
    return APP_ID + ":" + type.wireName();
  }

  /** The request, if {@code raw} is {@code AppID:<Long|Short>:<approach>} (fields trimmed). */
  public static Optional<ClientRequest> parseClientRequest(String raw) {
    String[] f = raw.split(":", -1);
    if (f.length != 3 || !f[0].strip().equals(APP_ID)) return Optional.empty();
    Optional<AppType> type = AppType.fromWireName(f[1].strip());
    Optional<Strategy> strategy = Strategy.fromWireName(f[2].strip());
    if (type.isEmpty() || strategy.isEmpty()) return Optional.empty();
    return Optional.of(new ClientRequest(type.get(), strategy.get()));
  }

  /** The type, if {@code raw} is {@code AppID:<Long|Short>} (fields trimmed). */
  public static Optional<AppType> parseWorkerRequest(String raw) {
    String[] f = raw.split(":", -1);
    if (f.length != 2 || !f[0].strip().equals(APP_ID)) return Optional.empty();
    return AppType.fromWireName(f[1].strip());
  }

  /** Whether a reader holding {@code soFar} of a client request can stop reading (see {@code package-info}). */
  public static boolean clientRequestDone(String soFar) {
    return parseClientRequest(soFar).isPresent() || !couldBecome(soFar, CLIENT_FORMS);
  }

  /** Whether a reader holding {@code soFar} of a worker request can stop reading. */
  public static boolean workerRequestDone(String soFar) {
    return parseWorkerRequest(soFar).isPresent() || !couldBecome(soFar, WORKER_FORMS);
  }

  /** {@code ERROR: malformed request '...'; expected AppID:{Long|Short}:{least_connections|round_robin}} */
  public static String malformedClientRequest(String raw) {
    return error("malformed request '" + printable(raw) + "'; expected " + APP_ID + ":{Long|Short}:{least_connections|round_robin}");
  }

  /** {@code ERROR: malformed request '...'; expected AppID:{Long|Short}} */
  public static String malformedWorkerRequest(String raw) {
    return error("malformed request '" + printable(raw) + "'; expected " + APP_ID + ":{Long|Short}");
  }

  /** {@code ERROR: no worker is alive (tried 127.0.0.1:9002, ...)} */
  public static String noWorkerAlive(List<String> tried) {
    return error("no worker is alive (tried " + (tried.isEmpty() ? "none: no worker is configured" : String.join(", ", tried)) + ")");
  }

  /** An error line: {@code ERROR: <message>\n}. */
  public static String error(String message) {
    return ERROR_PREFIX + message + "\n";
  }

  /** Whether a reply is one of our error lines. */
  public static boolean isError(String reply) {
    return reply.startsWith(ERROR_PREFIX);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code raw} for an error message: control characters escaped, at most 100 characters. */
  static String printable(String raw) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < raw.length() && sb.length() < 100; i++) {
      char c = raw.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\'' -> sb.append("\\'");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
          else sb.append(c);
        }
      }
    }
    if (sb.length() >= 100) {
      sb.setLength(100);
      sb.append("...");
    }
    return sb.toString();
  }

  /** Whether {@code soFar}, whitespace removed, is a prefix of one of the valid forms. */
  private static boolean couldBecome(String soFar, List<String> forms) {
    String compact = soFar.chars().filter(c -> !Character.isWhitespace(c))
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return forms.stream().anyMatch(f -> f.startsWith(compact));
  }

  private static List<String> forms(boolean client) {
    return java.util.Arrays.stream(AppType.values())
        .flatMap(t -> client
            ? java.util.Arrays.stream(Strategy.values()).map(s -> clientRequest(t, s))
            : java.util.stream.Stream.of(workerRequest(t)))
        .collect(Collectors.toUnmodifiableList());
  }
}
