package dev.gpuhub.broker;

import dev.gpuhub.core.balance.BackoffPolicy;
import dev.gpuhub.core.balance.Strategy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** A broker and its workers on loopback, on ports the OS picks. */
final class Fixture implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  final List<WorkerServer> workers;
  final BrokerServer broker;

  private Fixture(List<WorkerServer> workers, BrokerServer broker) {
    this.workers = workers;
    this.broker = broker;
  }

  /** {@code n} workers with these durations behind one broker (back-off 10 s). */
  static Fixture start(int n, Duration longD, Duration shortD) throws IOException {
    return start(n, w -> w.withDurations(longD, shortD), b -> b);
  }

  static Fixture start(int n, UnaryOperator<WorkerConfig> worker, UnaryOperator<BrokerConfig> broker) throws IOException {
    List<WorkerServer> ws = new ArrayList<>();
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      WorkerServer w = WorkerServer.start(worker.apply(WorkerConfig.of(i).withPort(0)));
      ws.add(w);
      addresses.add(new InetSocketAddress("127.0.0.1", w.port()));
    }
    BrokerConfig config = broker.apply(BrokerConfig.of(addresses).withPort(0)
        .withBackoff(new BackoffPolicy(Duration.ofSeconds(10), Duration.ofSeconds(10))));
    return new Fixture(ws, BrokerServer.start(config));
  }

  InetSocketAddress brokerAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), broker.port());
  }

  String request(AppType type, Strategy strategy) throws IOException {
    return BrokerClient.request(brokerAddress(), type, strategy, TIMEOUT);
  }

  /** Sends raw bytes exactly as given (no half-close) and reads to end-of-stream. */
  static byte[] raw(InetSocketAddress to, byte[] message) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(to, 5_000);
      s.setSoTimeout((int) TIMEOUT.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(message);
      out.flush();
      return s.getInputStream().readAllBytes();
    }
  }

  static String raw(InetSocketAddress to, String message) throws IOException {
    return new String(raw(to, message.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    broker.close();
    workers.forEach(WorkerServer::close);
  }
}
