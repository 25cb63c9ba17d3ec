package dev.gpuhub.server.hub.proxy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServerContainer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import dev.gpuhub.server.workload.WorkloadTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket half of the proxy: upgrades the browser's connection with Jetty's server container,
 * opens one to the user's server with Jetty's client (adding the server's token), and relays
 * messages both ways until either side closes. Messages the server sends before the browser side
 * is open are held and delivered in order.
 */
public final class WebSocketBridge implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketBridge.class);
  /** Largest relayed message; Jupyter outputs (images) can be large, but each is held whole while relayed. */
  static final long MAX_MESSAGE_BYTES = 16L << 20;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
  static final Duration IDLE_TIMEOUT = Duration.ofHours(1);

  /** WebSockets one user's server may have open through the hub at once. */
  public static final int PER_USER = 64;
  /** WebSockets one client address may have open through the hub at once. */
  public static final int PER_ADDRESS = 256;

  private final WebSocketClient client;
  private final dev.gpuhub.server.http.ConnectionLimits limits =
      new dev.gpuhub.server.http.ConnectionLimits("WebSockets", PER_USER, PER_ADDRESS);
  private volatile boolean containerConfigured;

  /** A bridge dialling servers with {@code tls} (wss to routes that say so). */
  WebSocketBridge(WorkloadTls tls) {
    client = new WebSocketClient(new HttpClient(new HttpClientTransportOverHTTP(tls.jettyConnector())));
    client.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
    client.setMaxBinaryMessageSize(MAX_MESSAGE_BYTES);
    client.setIdleTimeout(IDLE_TIMEOUT);
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the WebSocket client of the proxy", e);
    }
  }

  /**
   * Bridges {@code request} to {@code route}'s server when the user ({@code route.user()}) and the
   * client's address are under their WebSocket caps ({@link #PER_USER}, {@link #PER_ADDRESS});
   * otherwise answers 429 with a JSON {@code error}.
   */
  void bridge(HttpServletRequest request, HttpServletResponse response, ProxyRoute route, String targetPath,
              Runnable onTraffic) throws IOException {
    var lease = limits.tryAcquire(route.user(), request.getRemoteAddr());
    if (lease.isEmpty()) {
      response.setStatus(429);
      response.setContentType("application/json");
      response.getWriter().write(dev.gpuhub.server.http.ApiErrors.error(limits.refusal()).toString());
      return;
    }
    upgrade(request, response, route, targetPath, onTraffic, lease.get()::close);
  }

  /**
   * Upgrades {@code request} and bridges it to {@code targetPath} on {@code route}'s server;
   * {@code onTraffic} runs for every relayed message, {@code onEnd} once when the bridge ends or
   * cannot be made. When the server cannot be reached the browser gets a 502.
   */
  private void upgrade(HttpServletRequest request, HttpServletResponse response, ProxyRoute route, String targetPath,
                       Runnable onTraffic, Runnable onEnd) throws IOException {
    java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable endOnce = () -> {
      if (ended.compareAndSet(false, true)) onEnd.run();
    };
    JettyWebSocketServerContainer container = JettyWebSocketServerContainer.getContainer(request.getServletContext());
    if (container == null) {
      endOnce.run();
      response.sendError(500, "WebSocket support is not configured on this server");
      return;
    }
    if (!containerConfigured) {
      container.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
      container.setMaxBinaryMessageSize(MAX_MESSAGE_BYTES);
      container.setIdleTimeout(IDLE_TIMEOUT);
      containerConfigured = true;
    }
    String query = request.getQueryString();
    URI target = URI.create(route.wsOrigin() + targetPath + (query == null ? "" : "?" + query));
    boolean upgraded = container.upgrade((upgradeRequest, upgradeResponse) -> {
      Relay browserSide = new Relay(onTraffic, endOnce, null);
      // knows the browser side from the start: the server may speak before connect() returns
      Relay serverSide = new Relay(onTraffic, endOnce, browserSide);
      ClientUpgradeRequest upstream = new ClientUpgradeRequest();
      if (route.addsToken()) {
        upstream.setHeader("Authorization", "token " + route.serverToken());
      } else { // the server knows its user by its own cookie (OAuth); the hub's session cookies stay here
        String cookies = HubCredentials.withoutSessionCookie(request.getHeader("Cookie"));
        if (cookies != null) upstream.setHeader("Cookie", cookies);
      }
      upstream.setHeader("Origin", route.httpOrigin());
      if (!upgradeRequest.getSubProtocols().isEmpty()) upstream.setSubProtocols(upgradeRequest.getSubProtocols());
      try {
        Session server = client.connect(serverSide, target, upstream)
            .get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        String protocol = server.getUpgradeResponse().getAcceptedSubProtocol();
        if (protocol != null) upgradeResponse.setAcceptedSubProtocol(protocol);
        browserSide.pairWith(server);
        return browserSide;
      } catch (Exception e) {
        LOG.atWarn().addKeyValue("user", route.user()).addKeyValue("target", target)
            .log("WebSocket to the user's server failed: {}", e.toString());
        endOnce.run();
        upgradeResponse.sendError(502, "cannot open a WebSocket to the server of " + route.user());
        return null;
      }
    }, request, response);
    if (!upgraded) endOnce.run();
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (Exception e) {
      LOG.debug("stopping the WebSocket client", e);
    }
  }

  /**
   * One side of a bridge: forwards what it receives to its peer, and asks its own side for the next
   * message only once the peer has taken the last one (explicit demand), so a reader that does not
   * read slows its writer down instead of filling the hub's memory. The browser side's peer is the
   * server's session, known at creation; the server side's peer is the browser side, whose session
   * opens a little later, so until then messages are held (at most one, as nothing more is demanded).
   */
  public static final class Relay implements Session.Listener {
    private final Runnable onTraffic;
    private final Runnable onEnd;
    private Session peer;            // where received messages go
    private final Relay peerRelay;   // on the server side: the browser relay; null on the browser side
    private Session session;         // this side's own session
    private final List<Consumer<Session>> pending = new ArrayList<>();

    Relay(Runnable onTraffic, Runnable onEnd, Relay browserRelay) {
      this.onTraffic = onTraffic;
      this.onEnd = onEnd;
      this.peerRelay = browserRelay;
    }

    synchronized void pairWith(Session peerSession) {
      this.peer = peerSession;
    }

    @Override
    public void onWebSocketOpen(Session s) {
      List<Consumer<Session>> held;
      synchronized (this) {
        session = s;
        held = List.copyOf(pending);
        pending.clear();
      }
      held.forEach(action -> action.accept(s));
      s.demand();
    }

    @Override
    public void onWebSocketText(String message) {
      onTraffic.run();
      Callback next = next(null);
      forward(target -> target.sendText(message, next));
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
      onTraffic.run();
      // the payload stays valid until callback completes: after the peer has sent it
      Callback next = next(callback);
      forward(target -> target.sendBinary(payload, next));
    }

    /**
     * A ping from this side: answered here (pings test the hop, not the far end), and then, as after
     * any frame this listener handles, the next frame is demanded; without that demand a Jupyter
     * server's keep-alive ping would stall the bridge.
     */
    @Override
    public void onWebSocketPing(ByteBuffer payload) {
      Session self = own();
      self.sendPong(payload, Callback.from(self::demand, failure -> {
        if (self.isOpen()) self.close(1011, "pong failed", Callback.NOOP);
      }));
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
      own().demand();
    }

    private synchronized Session own() {
      return session;
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
      onEnd.run();
      forward(target -> {
        if (target.isOpen()) target.close(statusCode, reason, Callback.NOOP);
      });
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      onEnd.run();
      forward(target -> {
        if (target.isOpen()) target.close(1011, "peer failed", Callback.NOOP);
      });
    }

    /**
     * What runs when the peer has sent a message: completes the frame's own {@code callback} (may
     * be null), then demands the next message on this side; a failed send closes this side.
     */
    private Callback next(Callback callback) {
      Session self = own();
      return Callback.from(() -> {
        if (callback != null) callback.succeed();
        self.demand();
      }, failure -> {
        if (callback != null) callback.fail(failure);
        if (self.isOpen()) self.close(1011, "peer failed", Callback.NOOP);
      });
    }

    private void forward(Consumer<Session> action) {
      Session target;
      synchronized (this) {
        target = peer;
      }
      if (target != null) {
        action.accept(target);
        return;
      }
      if (peerRelay != null) peerRelay.deliver(action);
    }

    /** Runs {@code action} on this relay's own session now, or once it opens. */
    private void deliver(Consumer<Session> action) {
      Session s;
      synchronized (this) {
        s = session;
        if (s == null) {
          pending.add(action);
          return;
        }
      }
      action.accept(s);
    }
  }
}
