package dev.gpuhub.server.hub.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.ProgressEvent;
import dev.gpuhub.server.http.ApiErrors;
import dev.gpuhub.server.http.ConnectionLimits;
import dev.gpuhub.wire.WireJson;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The progress of a spawn as server-sent events ({@code data: {...}} per event): past events first,
 * then new ones, until the ready or failed event, or {@link #LONGEST}. A stream holds no thread
 * while it waits (the request stays open asynchronously); events are written by a small shared pool,
 * one stream's events in order. Still, a user holds at most {@link #PER_USER} streams and an
 * address {@link #PER_ADDRESS}; more get 429 with a JSON {@code error}. Thread-safe.
 */
public final class ProgressStreams implements AutoCloseable {
  /** Progress streams one user may hold open at once. */
  public static final int PER_USER = 8;
  /** Progress streams one client address may hold open at once. */
  public static final int PER_ADDRESS = 32;
  /** Longest a stream stays open. */
  static final long LONGEST_SECONDS = 600;
  /** A comment is sent this often so that proxies keep the stream open. */
  static final long KEEP_ALIVE_SECONDS = 15;

  private final ConnectionLimits limits = new ConnectionLimits("progress streams", PER_USER, PER_ADDRESS);
  private final ExecutorService writers = Executors.newFixedThreadPool(2, daemon("progress-stream-writer"));
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("progress-stream-timer"));

  /**
   * Streams the progress of {@code server} (empty: one failure event saying {@code owner} has none)
   * to {@code ctx}, for {@code user} (who may see it), or answers 429.
   */
  void serve(Context ctx, String user, String owner, Optional<ActiveServer> server) {
    Optional<ConnectionLimits.Lease> lease = limits.tryAcquire(user, ctx.ip());
    if (lease.isEmpty()) {
      ctx.status(429).json(ApiErrors.error(limits.refusal()));
      return;
    }
    var res = ctx.res();
    res.setStatus(200);
    res.setCharacterEncoding("UTF-8");
    res.setContentType("text/event-stream");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("X-Accel-Buffering", "no");
    try {
      res.flushBuffer(); // the client sees the stream open at once
    } catch (java.io.IOException clientLeft) {
      lease.get().close();
      return;
    }
    SseClient client = new SseClient(ctx);
    client.keepAlive(); // the request stays open once this handler returns; no thread waits on it
    Stream stream = new Stream(client, lease.get(), server);
    client.onClose(stream::end);
    if (server.isEmpty()) {
      stream.send(ProgressEvent.failure(owner + " has no server; start one first"));
      return;
    }
    stream.start();
  }

  @Override
  public void close() {
    timers.shutdownNow();
    writers.shutdownNow();
  }

  /** One open stream: its own queue of events, written in order by the shared pool. */
  private final class Stream {
    private final SseClient client;
    private final ConnectionLimits.Lease lease;
    private final Optional<ActiveServer> server;
    private final Queue<Object> pending = new ConcurrentLinkedQueue<>(); // ProgressEvent, or KEEP_ALIVE
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Consumer<ProgressEvent> follower = this::send;
    private ScheduledFuture<?> keepAlive;
    private ScheduledFuture<?> deadline;

    Stream(SseClient client, ConnectionLimits.Lease lease, Optional<ActiveServer> server) {
      this.client = client;
      this.lease = lease;
      this.server = server;
    }

    void start() {
      keepAlive = timers.scheduleWithFixedDelay(() -> enqueue(KEEP_ALIVE), KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS,
          TimeUnit.SECONDS);
      deadline = timers.schedule(this::finish, LONGEST_SECONDS, TimeUnit.SECONDS);
      server.orElseThrow().progress().follow(follower); // replays the past, then follows; never blocks
    }

    void send(ProgressEvent e) {
      enqueue(e);
    }

    private void enqueue(Object item) {
      if (ended.get()) return;
      pending.add(item);
      if (draining.compareAndSet(false, true)) writers.execute(this::drain);
    }

    private void drain() {
      try {
        Object item;
        while ((item = pending.poll()) != null) {
          if (ended.get() || client.terminated()) {
            end();
            return;
          }
          if (item == KEEP_ALIVE) {
            client.sendComment("keep-alive");
            continue;
          }
          ProgressEvent e = (ProgressEvent) item;
          client.sendData(json(e));
          if (e.isFinal()) {
            finish();
            return;
          }
        }
      } catch (RuntimeException clientLeft) {
        end();
      } finally {
        draining.set(false);
        if (!pending.isEmpty() && !ended.get() && draining.compareAndSet(false, true)) writers.execute(this::drain);
      }
    }

    /** Ends the response, then {@link #end}. */
    private void finish() {
      end();
      client.close();
    }

    /** Gives the place back and stops following; once. */
    void end() {
      if (!ended.compareAndSet(false, true)) return;
      server.ifPresent(s -> s.progress().unfollow(follower));
      if (keepAlive != null) keepAlive.cancel(false);
      if (deadline != null) deadline.cancel(false);
      lease.close();
    }
  }

  private static final Object KEEP_ALIVE = new Object();

  /** The event as the stream's JSON. */
  static String json(ProgressEvent e) {
    ObjectNode n = WireJson.mapper().createObjectNode();
    n.put("progress", e.progress());
    n.put("message", e.message());
    n.put("ready", e.ready());
    if (e.failed()) n.put("failed", true);
    if (e.url() != null) n.put("url", e.url());
    if (e.queue() != null) n.set("queue", dev.gpuhub.server.discovery.ReservationViews.queueEntry(e.queue()));
    if (e.homeUnavailable() != null) {
      ObjectNode h = n.putObject("home_unavailable").put("node", e.homeUnavailable());
      h.putArray("choices").add("wait").add("scratch");
    }
    return n.toString();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
