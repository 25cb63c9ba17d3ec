package dev.gpuhub.broker;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker of seed 004: reads {@code AppID:<Long|Short>}, sleeps the type's duration, answers
 * {@code Response from Worker} and closes. One thread per request as in the seed, but at most
 * {@link WorkerConfig#maxConcurrent()} at once (more wait in order). Unlike the seed's, it replies to
 * {@code Long} requests too (the seed's listing sends its reply only in the {@code Short} branch; its
 * own demo output shows Long answered, so that is the intent), answers a malformed request with an
 * error line, and survives an empty connection.
 */
public final class WorkerServer extends TcpService {
  /** How long an unfinished request may wait for its next piece. */
  static final Duration GRACE = Duration.ofMillis(500);
  /** How long the rest of a malformed request is read and discarded after the error line. */
  static final Duration LINGER = Duration.ofSeconds(1);

  private final WorkerConfig config;
  private final String tag;
  private final AtomicLong served = new AtomicLong();

  private WorkerServer(WorkerConfig config) throws IOException {
    super("worker-" + config.id(), config.bindHost(), config.port(), config.maxConcurrent(), config.maxQueued(), config.log());
    this.config = config;
    this.tag = "[Worker-" + config.id() + "]";
  }

  /** Binds and starts accepting. */
  public static WorkerServer start(WorkerConfig config) throws IOException {
    WorkerServer w = new WorkerServer(config);
    w.startAccepting();
    w.log(w.tag + " Listening on port " + w.port() + "...");
    return w;
  }

  public WorkerConfig config() {
    return config;
  }

  /** Requests answered with {@code Response from Worker}. */
  public long served() {
    return served.get();
  }

  @Override
  void handle(Socket socket) throws IOException, InterruptedException {
    String raw;
    try {
      raw = MessageIO.readRequest(socket, BrokerProtocol::workerRequestDone, BrokerProtocol.MAX_REQUEST_BYTES,
          config.requestTimeout(), GRACE);
    } catch (MessageIO.NoRequestException e) {
      MessageIO.write(socket, BrokerProtocol.error(e.getMessage()));
      return;
    }
    if (raw == null) return; // connected and closed without a request
    Optional<AppType> type = BrokerProtocol.parseWorkerRequest(raw);
    if (type.isEmpty()) {
      log(tag + " Malformed request from " + socket.getRemoteSocketAddress() + ": '" + BrokerProtocol.printable(raw) + "'");
      MessageIO.write(socket, BrokerProtocol.malformedWorkerRequest(raw));
      MessageIO.finishAfterError(socket, LINGER);
      return;
    }
    if (logging()) {
      log("[Worker] Processing " + (type.get() == AppType.LONG ? "long" : "short") + " request from "
          + socket.getRemoteSocketAddress());
    }
    Duration d = config.duration(type.get());
    if (!d.isZero()) Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    MessageIO.write(socket, BrokerProtocol.WORKER_REPLY);
    served.incrementAndGet();
  }

  @Override
  String busyLine() {
    return BrokerProtocol.error("worker " + config.id() + " busy (" + config.maxConcurrent() + " requests in progress, "
        + config.maxQueued() + " waiting); try again later");
  }

  @Override
  public String toString() {
    return "WorkerServer[" + config.id() + " on " + address() + "]";
  }
}
