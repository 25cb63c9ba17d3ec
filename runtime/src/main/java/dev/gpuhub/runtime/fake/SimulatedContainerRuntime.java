package dev.gpuhub.runtime.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gpuhub.runtime.ContainerInfo;
import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.ContainerStartException;
import dev.gpuhub.runtime.ContainerSummary;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime of a simulated node: containers are recorded (an {@link InMemoryContainerRuntime}
 * underneath) but nothing runs, so one machine can stand in for a cluster taking hundreds of spawns.
 *
 * <p>The one thing that does run: the hub waits for a started server to answer
 * {@code GET http://<node ip>:<port>/user/<name>/api/status} with 200, and every container the hub
 * starts carries {@code GPUHUB_PORT=<port>}. So when a container with env {@value #PORT_ENV} starts,
 * a stand-in HTTP responder (JDK {@link HttpServer}) listens on that port of this node's address
 * and answers {@code 200 {"simulated":true}} to every GET (and HEAD), 405 to anything else, until
 * the container is stopped, exits ({@link #exit}) or is removed. A port that cannot be bound fails
 * the start with {@link ContainerStartException} ({@link ContainerStartException.Reason#FAILED})
 * naming the port, and leaves no container behind. Containers without {@value #PORT_ENV} get no
 * responder.
 *
 * <p>All responders hand their requests to one small executor (by default a JVM-wide pool of
 * {@value #SHARED_THREADS} daemon threads), since hundreds exist at once. Lifecycle calls (start,
 * stop, exit, remove) of one runtime are serialised; queries are not.
 *
 * <p>By default every image counts as present; give images to the constructor to keep the real
 * runtimes' "image not found" behaviour (the runtime contract tests do).
 *
 * <p>{@link Listener}s hear every container start and end, so a test harness can run something real
 * in a container's place (e.g. the reference trainer as a local process) and end it with the
 * container. A listener that ends such a process by itself calls {@link #exit} with its exit code.
 */
public final class SimulatedContainerRuntime implements ContainerRuntime {
  /** The environment variable carrying the port the server of a container listens on. */
  public static final String PORT_ENV = "GPUHUB_PORT";
  /** The body every GET gets from a stand-in responder. */
  public static final String RESPONSE_BODY = "{\"simulated\":true}";
  /** How busy a container's GPUs are unless a test says otherwise, percent. */
  public static final double DEFAULT_GPU_UTILISATION = 30;
  /** Threads of the default shared responder executor. */
  public static final int SHARED_THREADS = 4;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SimulatedContainerRuntime.class);
  private static final byte[] BODY = RESPONSE_BODY.getBytes(StandardCharsets.UTF_8);
  private static final int BACKLOG = 16;

  private final InMemoryContainerRuntime containers;
  private final String bindAddress;
  private final Executor executor;
  /** Container id to its responder. */
  private final Map<String, Responder> responders = new ConcurrentHashMap<>();
  private final Map<String, Double> gpuUtilisation = new ConcurrentHashMap<>();
  private final Map<String, String> kernels = new ConcurrentHashMap<>();
  private final Object lifecycle = new Object();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  /** Containers whose start listeners heard and whose end they have not heard yet. */
  private final Set<String> heard = ConcurrentHashMap.newKeySet();
  /** Orders the notifications of one container: its start is always heard before its end. */
  private final Object notifications = new Object();
  private volatile boolean closed;

  private record Responder(int port, HttpServer server) {}

  /**
   * Hears the containers of this runtime start and end. Called on the thread that started,
   * stopped, exited or removed the container, after the runtime's state changed and outside its
   * lock (a listener may call back into the runtime, e.g. {@link #exit}). A listener that throws is
   * logged and does not affect the runtime or the other listeners.
   */
  public interface Listener {
    /** Container {@code id} was started with {@code spec} and runs now. */
    void started(String id, ContainerSpec spec);

    /**
     * Container {@code id} no longer runs: stopped, exited ({@link #exit}), removed, or the
     * runtime closed. Called once per start, and only after {@link #started}.
     */
    void ended(String id);
  }

  /** A node at {@code bindAddress} (an IP literal of this host) that has every image. */
  public SimulatedContainerRuntime(String bindAddress) {
    this(bindAddress, Clock.systemUTC(), SharedExecutor.INSTANCE);
  }

  /**
   * A node at {@code bindAddress} whose responders use {@code executor}.
   *
   * @param presentImages the images on the node; none = every image counts as present
   */
  public SimulatedContainerRuntime(String bindAddress, Clock clock, Executor executor, String... presentImages) {
    this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.containers = new InMemoryContainerRuntime(clock, presentImages);
    if (presentImages.length == 0) containers.acceptAnyImage();
  }

  /** The default executor: {@value #SHARED_THREADS} daemon threads shared by every simulated runtime of this JVM. */
  public static Executor sharedExecutor() {
    return SharedExecutor.INSTANCE;
  }

  /** The address responders listen on. */
  public String bindAddress() {
    return bindAddress;
  }

  /** The specs of the containers running now, in start order. */
  public List<ContainerSpec> runningSpecs() {
    return containers.runningSpecs();
  }

  /** Every spec {@link #start} accepted, in order, including stopped and removed ones. */
  public List<ContainerSpec> startedSpecs() {
    return containers.startedSpecs();
  }

  /** The spec a present container was started with. */
  public Optional<ContainerSpec> specOf(String idOrName) {
    return containers.specOf(idOrName);
  }

  /** The ports stand-in responders listen on now. */
  public Set<Integer> responderPorts() {
    Set<Integer> ports = new TreeSet<>();
    responders.values().forEach(r -> ports.add(r.port()));
    return ports;
  }

  /** Adds a listener of container starts and ends (see {@link Listener}). */
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** The container's command ends by itself with {@code exitCode}; its responder stops answering. */
  public void exit(String idOrName, int exitCode) {
    Optional<ContainerInfo> info;
    synchronized (lifecycle) {
      info = containers.inspect(idOrName);
      containers.exit(idOrName, exitCode);
      info.ifPresent(i -> closeResponder(i.id()));
    }
    info.ifPresent(i -> ended(i.id()));
  }

  /**
   * Sets how busy the container's GPUs are, percent, as a test drives a simulated node's GPU
   * activity: 0 means it has no process on them (idle); the default is
   * {@value #DEFAULT_GPU_UTILISATION}.
   *
   * @throws IllegalArgumentException for no such container or a percent outside 0..100
   */
  public void setGpuUtilisation(String idOrName, double percent) {
    if (!(percent >= 0 && percent <= 100)) throw new IllegalArgumentException("GPU utilisation must be 0..100, was " + percent);
    String id = containers.inspect(idOrName).map(ContainerInfo::id)
        .orElseThrow(() -> new IllegalArgumentException("no container " + idOrName));
    gpuUtilisation.put(id, percent);
  }

  /** How busy the container's GPUs are, percent (see {@link #setGpuUtilisation}). */
  public double gpuUtilisationOf(String id) {
    return gpuUtilisation.getOrDefault(id, DEFAULT_GPU_UTILISATION);
  }

  /**
   * Sets what the container's server answers to {@code GET .../api/kernels} (a Jupyter kernel list
   * as JSON, e.g. {@code [{"id":"k1","execution_state":"busy"}]}), as a test drives whether its
   * kernels are busy; until set it answers {@value #RESPONSE_BODY} like every other path.
   *
   * @throws IllegalArgumentException for no such container
   */
  public void setKernels(String idOrName, String json) {
    String id = containers.inspect(idOrName).map(ContainerInfo::id)
        .orElseThrow(() -> new IllegalArgumentException("no container " + idOrName));
    kernels.put(id, json);
  }

  /** Sets what {@link #logsTail} returns for the container. */
  public void setLogs(String idOrName, String logs) {
    containers.setLogs(idOrName, logs);
  }

  @Override
  public List<ContainerSummary> listRunning() {
    return containers.listRunning();
  }

  @Override
  public List<String> images() {
    return containers.images();
  }

  @Override
  public List<ContainerSummary> listByLabel(String key) {
    return containers.listByLabel(key);
  }

  /**
   * Records the container and, when it carries {@value #PORT_ENV}, opens its responder.
   *
   * @throws ContainerStartException as the runtime contract says, and with reason FAILED when
   *     {@value #PORT_ENV} is not a port or the port cannot be bound (the message names it)
   */
  @Override
  public String start(ContainerSpec spec) {
    Integer port = portOf(spec);
    String id;
    synchronized (lifecycle) {
      if (closed) throw new IllegalStateException("this simulated runtime was closed");
      id = containers.start(spec);
      if (port != null) {
        try {
          responders.put(id, new Responder(port, listen(id, spec, port)));
        } catch (RuntimeException e) {
          containers.remove(id);
          throw e;
        }
      }
    }
    if (!listeners.isEmpty()) {
      synchronized (notifications) {
        // A container stopped or removed meanwhile is not heard of at all.
        if (containers.inspect(id).map(ContainerInfo::running).orElse(false) && heard.add(id)) {
          for (Listener l : listeners) notify(() -> l.started(id, spec));
        }
      }
    }
    return id;
  }

  @Override
  public Optional<ContainerInfo> inspect(String idOrName) {
    return containers.inspect(idOrName);
  }

  @Override
  public void stop(String idOrName, Duration grace) {
    ContainerRuntime.requireValidGrace(grace);
    Optional<ContainerInfo> info;
    synchronized (lifecycle) {
      info = containers.inspect(idOrName);
      containers.stop(idOrName, grace);
      info.ifPresent(i -> closeResponder(i.id()));
    }
    info.ifPresent(i -> ended(i.id()));
  }

  @Override
  public boolean remove(String idOrName) {
    Optional<ContainerInfo> info;
    boolean removed;
    synchronized (lifecycle) {
      info = containers.inspect(idOrName);
      removed = containers.remove(idOrName);
      info.ifPresent(i -> closeResponder(i.id()));
    }
    info.ifPresent(i -> ended(i.id()));
    return removed;
  }

  @Override
  public String logsTail(String idOrName, int lines) {
    return containers.logsTail(idOrName, lines);
  }

  @Override
  public boolean ping() {
    return !closed;
  }

  @Override
  public String describe() {
    return "simulated container runtime at " + bindAddress + " (containers are recorded, not run)";
  }

  /** Closes every responder (containers stay recorded) and tells listeners every container ended; idempotent. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      closed = true;
      for (String id : List.copyOf(responders.keySet())) closeResponder(id);
    }
    for (String id : List.copyOf(heard)) ended(id);
  }

  private void ended(String id) {
    synchronized (notifications) {
      if (!heard.remove(id)) return;
      for (Listener l : listeners) notify(() -> l.ended(id));
    }
  }

  private static void notify(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("a container listener failed", e);
    }
  }

  private static Integer portOf(ContainerSpec spec) {
    String raw = spec.env().get(PORT_ENV);
    if (raw == null) return null;
    try {
      int port = Integer.parseInt(raw.strip());
      if (port >= 1 && port <= 65535) return port;
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ContainerStartException(ContainerStartException.Reason.FAILED, "container '" + spec.name() + "': "
        + PORT_ENV + " must be a TCP port (1-65535), was '" + raw + "'", null);
  }

  private HttpServer listen(String id, ContainerSpec spec, int port) {
    HttpServer http;
    try {
      InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(bindAddress), port);
      if (spec.files().containsKey(ContainerSpec.TLS_CERT_FILE) && spec.files().containsKey(ContainerSpec.TLS_KEY_FILE)) {
        // a container given a serving certificate serves HTTPS with it, as the real server does
        com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(at, BACKLOG);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(PemTls.serverContext(
            spec.files().get(ContainerSpec.TLS_CERT_FILE), spec.files().get(ContainerSpec.TLS_KEY_FILE))));
        http = https;
      } else {
        http = HttpServer.create(at, BACKLOG);
      }
    } catch (BindException e) {
      throw new ContainerStartException(ContainerStartException.Reason.FAILED, "container '" + spec.name()
          + "' failed to start: port " + port + " on " + bindAddress + " is already in use (" + e.getMessage()
          + "); the simulated server cannot listen there", e);
    } catch (UnknownHostException e) {
      throw new ContainerStartException(ContainerStartException.Reason.FAILED, "container '" + spec.name()
          + "' failed to start: simulated node address '" + bindAddress + "' is not an IP address", e);
    } catch (IOException e) {
      throw new ContainerStartException(ContainerStartException.Reason.FAILED, "container '" + spec.name()
          + "' failed to start: cannot listen on port " + port + " of " + bindAddress + ": " + e.getMessage(), e);
    }
    http.setExecutor(executor);
    http.createContext("/", exchange -> answer(exchange, kernels.get(id)));
    http.start();
    return http;
  }

  /** @param kernelList what {@code GET .../api/kernels} answers, or null for the common body */
  private static void answer(HttpExchange exchange, String kernelList) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String method = exchange.getRequestMethod();
      if (method.equals("GET") || method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        byte[] body = kernelList != null && exchange.getRequestURI().getPath().endsWith("/api/kernels")
            ? kernelList.getBytes(StandardCharsets.UTF_8) : BODY;
        if (method.equals("HEAD")) {
          exchange.sendResponseHeaders(200, -1);
        } else {
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
        }
      } else {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
      }
    }
  }

  private void closeResponder(String id) {
    Responder r = responders.remove(id);
    if (r != null) r.server().stop(0);
  }

  /** The JVM-wide responder pool, created on first use; daemon threads, never shut down. */
  private static final class SharedExecutor {
    static final ExecutorService INSTANCE;

    static {
      AtomicInteger n = new AtomicInteger();
      INSTANCE = Executors.newFixedThreadPool(SHARED_THREADS, r -> {
        Thread t = new Thread(r, "gpuhub-sim-responder-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
  }
}
