package dev.gpuhub.broker;

import dev.gpuhub.core.balance.BackendPool;
import dev.gpuhub.core.balance.BackendStatus;
import dev.gpuhub.core.balance.Lease;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker of seed 004: reads {@code AppID:<type>:<approach>}, chooses a worker with that
 * approach ({@link dev.gpuhub.core.balance.Strategy}), sends it {@code AppID:<type>}, relays its
 * reply unchanged and closes. Clients are served concurrently. A worker that refuses the
 * connection, drops it without a reply or does not answer within the reply timeout is marked down
 * and the request goes to another worker not yet tried; a worker that is down gets requests again
 * after its back-off. The client gets {@code ERROR: no worker is alive (tried ...)} only when every
 * worker failed for this request.
 */
public final class BrokerServer extends TcpService {
  /** How long an unfinished request may wait for its next piece. */
  static final Duration GRACE = Duration.ofMillis(500);
  /** How long the rest of a malformed request is read and discarded after the error line. */
  static final Duration LINGER = Duration.ofSeconds(1);

  private final BrokerConfig config;
  private final BackendPool pool;
  private final Map<String, InetSocketAddress> addresses = new HashMap<>();
  private final Map<String, Integer> numbers = new HashMap<>();
  private final AtomicLong relayed = new AtomicLong();
  private final AtomicLong failovers = new AtomicLong();
  private final AtomicLong noWorker = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();

  private BrokerServer(BrokerConfig config) throws IOException {
    super("broker", config.bindHost(), config.port(), config.maxClients(), config.maxQueued(), config.log());
    this.config = config;
    List<String> ids = new ArrayList<>();
    for (InetSocketAddress w : config.workers()) {
      String id = BrokerConfig.id(w);
      ids.add(id);
      addresses.put(id, w);
      numbers.put(id, ids.size());
    }
    this.pool = new BackendPool(ids, config.backoff());
  }

  /** Binds and starts accepting. */
  public static BrokerServer start(BrokerConfig config) throws IOException {
    BrokerServer b = new BrokerServer(config);
    b.startAccepting();
    b.log("[Broker] Listening on port " + b.port() + "...");
    return b;
  }

  public BrokerConfig config() {
    return config;
  }

  /** Each worker's open connections and health now. */
  public List<BackendStatus> workers() {
    return pool.snapshot();
  }

  /** Counters since start. */
  public Stats stats() {
    return new Stats(relayed.get(), failovers.get(), noWorker.get(), malformed.get());
  }

  /**
   * @param relayed   replies relayed from a worker
   * @param failovers worker attempts that failed (each marked that worker down)
   * @param noWorker  requests answered "no worker is alive"
   * @param malformed requests answered "malformed request"
   */
  public record Stats(long relayed, long failovers, long noWorker, long malformed) {}

  @Override
  void handle(Socket client) throws IOException {
    if (logging()) log("[Broker] Connected with " + client.getRemoteSocketAddress());
    String raw;
    try {
      raw = MessageIO.readRequest(client, BrokerProtocol::clientRequestDone, BrokerProtocol.MAX_REQUEST_BYTES,
          config.requestTimeout(), GRACE);
    } catch (MessageIO.NoRequestException e) {
      MessageIO.write(client, BrokerProtocol.error(e.getMessage()));
      return;
    }
    if (raw == null) return; // connected and closed without a request
    Optional<BrokerProtocol.ClientRequest> parsed = BrokerProtocol.parseClientRequest(raw);
    if (parsed.isEmpty()) {
      malformed.incrementAndGet();
      log("[Broker] Malformed request from " + client.getRemoteSocketAddress() + ": '" + BrokerProtocol.printable(raw) + "'");
      MessageIO.write(client, BrokerProtocol.malformedClientRequest(raw));
      MessageIO.finishAfterError(client, LINGER);
      return;
    }
    BrokerProtocol.ClientRequest request = parsed.get();
    byte[] forward = BrokerProtocol.bytes(BrokerProtocol.workerRequest(request.type()));
    Set<String> tried = new HashSet<>();
    List<String> triedInOrder = new ArrayList<>();
    while (true) {
      Optional<Lease> acquired = pool.acquire(request.strategy(), tried);
      if (acquired.isEmpty()) {
        noWorker.incrementAndGet();
        String line = BrokerProtocol.noWorkerAlive(triedInOrder);
        log("[Broker] " + line.strip());
        MessageIO.write(client, line);
        return;
      }
      Lease lease = acquired.get();
      String id = lease.backendId();
      tried.add(id);
      triedInOrder.add(id);
      byte[] reply;
      try {
        reply = exchange(addresses.get(id), forward);
      } catch (IOException e) {
        lease.failed();
        failovers.incrementAndGet();
        log("[Broker] Failed to connect to Worker-" + numbers.get(id) + " (" + id + "): " + describe(e) + "; marked down");
        continue;
      } catch (RuntimeException | Error e) {
        lease.release();
        throw e;
      }
      lease.succeeded();
      relayed.incrementAndGet();
      if (logging()) {
        log("[Broker] Response from Worker-" + numbers.get(id) + ": " + new String(reply, StandardCharsets.UTF_8));
      }
      MessageIO.write(client, reply);
      return;
    }
  }

  /** One request to one worker: connect, send, read the reply to end-of-stream. */
  private byte[] exchange(InetSocketAddress worker, byte[] request) throws IOException {
    try (Socket w = new Socket()) {
      w.setTcpNoDelay(true);
      w.connect(worker, MessageIO.millis(config.connectTimeout()));
      MessageIO.write(w, request);
      byte[] reply = MessageIO.readToEnd(w, BrokerProtocol.MAX_REPLY_BYTES, config.replyTimeout());
      if (reply.length == 0) throw new EOFException("closed the connection without a reply");
      return reply;
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  @Override
  String busyLine() {
    return BrokerProtocol.error("broker busy (" + config.maxClients() + " clients in progress, " + config.maxQueued()
        + " waiting); try again later");
  }

  @Override
  public String toString() {
    return "BrokerServer[" + address() + " -> " + pool.ids() + "]";
  }
}
