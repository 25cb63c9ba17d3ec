package dev.gpuhub.agent.api;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.gpuhub.wire.tls.TlsIdentity;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.wire.AgentAuth;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link NodeApi} served by the JDK's built-in HTTP server on one address and port.
 *
 * <pre>
 *   new ──start()──> listening (port() known) ──close()──> closed
 * </pre>
 *
 * {@link #start()} binds or throws {@link IllegalStateException} naming the address and the fix
 * (port in use, address not on this host). {@link #close()} waits up to {@link #CLOSE_GRACE} for
 * requests in flight, then stops listening; it never throws and does not close the runtime (its
 * owner does).
 */
public final class NodeApiServer implements AutoCloseable {
  /** Requests served at once; a start or a stop can take seconds. */
  static final int THREADS = 8;
  /** Pending connections the OS queues while all threads are busy. */
  private static final int BACKLOG = 64;
  /** Longest time close() waits for requests in flight (a container start or stop) before cutting them. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
  /** Pause between checks for requests in flight while closing. */
  private static final long CLOSE_POLL_MILLIS = 10;
  private static final Logger LOG = LoggerFactory.getLogger(NodeApiServer.class);

  private final ContainerRuntime runtime;
  private final String token;
  private final String bindAddress;
  private final int requestedPort;
  private HttpServer server;
  private TlsIdentity tls;
  private ExecutorService executor;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile int boundPort = -1;
  private volatile boolean closed;

  /**
   * A server for {@code runtime}, not yet listening.
   *
   * @param bindAddress an IP literal of this host ({@code 0.0.0.0} for all), never a name
   * @param port        the TCP port, or 0 for a free one
   */
  public NodeApiServer(ContainerRuntime runtime, String token, String bindAddress, int port) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.token = AgentAuth.requireValidToken(token, "GPUHUB_AGENT_TOKEN");
    this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("node API port must be 0..65535, was " + port);
    this.requestedPort = port;
  }

  /**
   * Binds and starts serving; returns this. A second call does nothing.
   *
   * @throws IllegalStateException when the address cannot be bound, or after {@link #close()}
   */
  public synchronized NodeApiServer start() {
    if (closed) throw new IllegalStateException("this node API server was closed");
    if (server != null) return this;
    HttpServer http;
    try {
      InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(bindAddress), requestedPort);
      if (tls == null) {
        http = HttpServer.create(at, BACKLOG);
      } else { // mutual TLS: only callers holding a certificate of the cluster CA get in
        HttpsServer https = HttpsServer.create(at, BACKLOG);
        SSLContext context = tls.sslContext();
        https.setHttpsConfigurator(new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = context.getDefaultSSLParameters();
            p.setNeedClientAuth(true);
            params.setSSLParameters(p);
          }
        });
        http = https;
      }
    } catch (BindException e) {
      throw new IllegalStateException("node API cannot listen on " + bindAddress + ":" + requestedPort + " (" + e.getMessage()
          + "): the port is in use or the address is not on this host; choose another with --api-port (0 = any free "
          + "port) or --api-bind", e);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("node API address '" + bindAddress + "' is not an IP address: set --api-bind", e);
    } catch (IOException e) {
      throw new IllegalStateException("node API cannot listen on " + bindAddress + ":" + requestedPort + ": " + e.getMessage(), e);
    }
    AtomicInteger n = new AtomicInteger();
    executor = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "gpuhub-node-api-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    NodeApiHandler handler = new NodeApiHandler(runtime, token);
    http.createContext("/", exchange -> {
      inFlight.incrementAndGet();
      try {
        handler.handle(exchange);
      } finally {
        inFlight.decrementAndGet();
      }
    });
    http.start();
    server = http;
    boundPort = http.getAddress().getPort();
    LOG.info("node API listening on {}://{}:{} for {}", tls == null ? "http" : "https", bindAddress, port(),
        runtime.describe());
    return this;
  }

  /**
   * Serves over mutual TLS as {@code identity} from {@link #start()} on: callers must hold the
   * cluster's control-plane certificate, and the bearer token is no longer taken.
   *
   * @throws IllegalStateException once started
   */
  public synchronized NodeApiServer useTls(TlsIdentity identity) {
    if (server != null) throw new IllegalStateException("the node API already listens");
    this.tls = Objects.requireNonNull(identity, "identity");
    return this;
  }

  /** True when it serves (or will serve) over mutual TLS. */
  public boolean usesTls() {
    return tls != null;
  }

  /** The port it listens on (the real one when 0 was asked for); {@link IllegalStateException} before {@link #start()}. */
  public int port() {
    int p = boundPort;
    if (p < 0) throw new IllegalStateException("node API server is not started");
    return p;
  }

  /** The address it binds to, as configured. */
  public String bindAddress() {
    return bindAddress;
  }

  /** True between {@link #start()} and {@link #close()}. */
  public boolean isRunning() {
    return boundPort >= 0 && !closed;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (server == null) return;
    // HttpServer.stop(delay) of JDK 17 always waits the whole delay, so wait for requests ourselves.
    long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
    try {
      while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(CLOSE_POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (inFlight.get() > 0) LOG.warn("node API closing with {} requests still running", inFlight.get());
    server.stop(0);
    executor.shutdownNow();
  }
}
