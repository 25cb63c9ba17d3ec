package dev.gpuhub.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free loopback TCP ports for servers started by tests. A picked port is free at the moment it is
 * returned; another process may still take it before the caller binds, so callers that start a
 * server on it should retry with a new port when the bind fails.
 */
public final class FreePorts {
  private FreePorts() {}

  /** A TCP port that was free on 127.0.0.1 just now. */
  public static int pick() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback TCP port: " + e.getMessage(), e);
    }
  }
}
