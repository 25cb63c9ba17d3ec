package dev.gpuhub.broker;

import dev.gpuhub.core.balance.Strategy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The client of seed 004: connects, sends {@code AppID:<type>:<approach>} (no delimiter, no
 * half-close, like the seed's {@code sendall}) and reads the reply until the broker closes (the
 * seed reads one {@code recv(1024)}; reading to end-of-stream gets the same bytes and is immune to
 * a reply split across segments).
 */
public final class BrokerClient {
  private BrokerClient() {}

  /** Sends one request to the broker at {@code broker} and returns its reply (a worker's, or an error line). */
  public static String request(InetSocketAddress broker, AppType type, Strategy strategy, Duration timeout)
      throws IOException {
    return send(broker, BrokerProtocol.clientRequest(type, strategy), timeout);
  }

  /**
   * Sends {@code message} as is to a broker or worker and returns everything it answers before
   * closing, as UTF-8 text.
   *
   * @param timeout for connecting (at most 5 s of it) and for each wait for reply bytes
   */
  public static String send(InetSocketAddress address, String message, Duration timeout) throws IOException {
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(address, MessageIO.millis(timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5)));
      MessageIO.write(s, message.getBytes(StandardCharsets.UTF_8));
      byte[] reply = MessageIO.readToEnd(s, BrokerProtocol.MAX_REPLY_BYTES, timeout);
      return new String(reply, StandardCharsets.UTF_8);
    }
  }
}
