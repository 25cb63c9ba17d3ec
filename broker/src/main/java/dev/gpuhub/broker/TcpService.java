package dev.gpuhub.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A blocking TCP server: one accept thread, one pool thread per connection (at most {@code
 * maxConcurrent}; up to {@code maxQueued} more wait in order; beyond that a connection is answered
 * with {@link #busyLine()} and closed). {@link #close()} stops accepting and closes every open
 * connection.
 */
abstract class TcpService implements AutoCloseable {
  private final String name;
  private final ServerSocket server;
  private final ThreadPoolExecutor pool;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private final Consumer<String> log;
  private volatile boolean closed;

  TcpService(String name, String bindHost, int port, int maxConcurrent, int maxQueued, Consumer<String> log)
      throws IOException {
    if (maxConcurrent < 1) throw new IllegalArgumentException("max concurrent connections must be at least 1, was " + maxConcurrent);
    if (maxQueued < 0) throw new IllegalArgumentException("max queued connections must not be negative, was " + maxQueued);
    this.name = name;
    this.log = log;
    ServerSocket s = new ServerSocket();
    try {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(bindHost), port), 1024);
    } catch (IOException e) {
      s.close();
      throw new IOException("cannot listen on " + bindHost + ":" + port + ": " + e.getMessage(), e);
    }
    this.server = s;
    AtomicInteger threads = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(maxConcurrent, maxConcurrent, 30, TimeUnit.SECONDS,
        maxQueued == 0 ? new java.util.concurrent.SynchronousQueue<>() : new LinkedBlockingQueue<>(maxQueued),
        r -> {
          Thread t = new Thread(r, name + "-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    this.acceptor = new Thread(this::acceptLoop, name + "-accept");
    acceptor.setDaemon(true);
  }

  /** Handles one connection; the connection is closed afterwards whatever happens. */
  abstract void handle(Socket socket) throws Exception;

  /** The line a connection gets when both the pool and its queue are full. */
  abstract String busyLine();

  final void startAccepting() {
    acceptor.start();
  }

  /** The port this service listens on (the real one when 0 was asked for). */
  public int port() {
    return server.getLocalPort();
  }

  /** The address this service listens on. */
  public InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  /** Connections accepted and not yet closed (running or queued). */
  public int openConnections() {
    return open.size();
  }

  final void log(String line) {
    if (log != null) log.accept(line);
  }

  final boolean logging() {
    return log != null;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (SocketException e) {
        if (closed) return;
        log("[" + name + "] accept failed: " + e.getMessage());
        pause();
        continue;
      } catch (IOException e) {
        log("[" + name + "] accept failed: " + e.getMessage());
        pause();
        continue;
      }
      try {
        socket.setTcpNoDelay(true);
      } catch (SocketException ignored) {
        // best effort
      }
      open.add(socket);
      try {
        pool.execute(() -> run(socket));
      } catch (RejectedExecutionException e) {
        try {
          if (!closed) MessageIO.write(socket, busyLine());
        } catch (IOException ignored) {
          // the peer is gone
        }
        MessageIO.drainAndClose(socket);
        open.remove(socket);
      }
    }
  }

  private void run(Socket socket) {
    try {
      handle(socket);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (!closed) log("[" + name + "] connection from " + socket.getRemoteSocketAddress() + " failed: " + e);
    } finally {
      MessageIO.drainAndClose(socket);
      open.remove(socket);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops accepting, closes every open connection (requests in progress are dropped) and stops the threads. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    pool.shutdownNow();
    for (Socket s : open) MessageIO.closeQuietly(s);
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
