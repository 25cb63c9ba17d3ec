package dev.gpuhub.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/** Reading and writing the seed's delimiter-less messages on blocking sockets (see {@code package-info}). */
final class MessageIO {
  private MessageIO() {}

  /** No request arrived before the request timeout. */
  static final class NoRequestException extends IOException {
    NoRequestException(String message) {
      super(message);
    }
  }

  /**
   * Reads one request: until a newline (dropped, with a {@code \r} before it), end-of-stream,
   * {@code maxBytes}, or {@code done} says the bytes so far are enough. Waits up to {@code timeout}
   * for the first bytes and up to {@code grace} for each further piece of an unfinished request.
   *
   * @return the request as text; null when the peer closed without sending anything
   * @throws NoRequestException when nothing arrived within {@code timeout}
   */
  static String readRequest(Socket socket, Predicate<String> done, int maxBytes, Duration timeout, Duration grace)
      throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[maxBytes];
    int n = 0;
    boolean eof = false;
    socket.setSoTimeout(millis(timeout));
    try {
      while (n < maxBytes) {
        int r = in.read(buf, n, maxBytes - n);
        if (r < 0) {
          eof = true;
          break;
        }
        int newline = indexOf(buf, n, n + r, (byte) '\n');
        n += r;
        if (newline >= 0) {
          n = newline > 0 && buf[newline - 1] == '\r' ? newline - 1 : newline;
          break;
        }
        if (done.test(new String(buf, 0, n, StandardCharsets.UTF_8))) break;
        socket.setSoTimeout(millis(grace));
      }
    } catch (SocketTimeoutException e) {
      if (n == 0) throw new NoRequestException("no request received within " + seconds(timeout));
    }
    if (n == 0 && eof) return null;
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }

  /** Reads until end-of-stream, at most {@code maxBytes} (the rest is left unread). */
  static byte[] readToEnd(Socket socket, int maxBytes, Duration timeout) throws IOException {
    socket.setSoTimeout(millis(timeout));
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    byte[] buf = new byte[Math.min(maxBytes, 8192)];
    while (out.size() < maxBytes) {
      int r = in.read(buf, 0, Math.min(buf.length, maxBytes - out.size()));
      if (r < 0) break;
      out.write(buf, 0, r);
    }
    return out.toByteArray();
  }

  static void write(Socket socket, byte[] bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  static void write(Socket socket, String text) throws IOException {
    write(socket, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Closes after discarding input that is already there (a trailing newline, say): closing a socket
   * with unread input sends a reset, which can destroy the reply before the peer reads it.
   */
  static void drainAndClose(Socket socket) {
    try {
      if (!socket.isClosed() && !socket.isInputShutdown()) {
        InputStream in = socket.getInputStream();
        int available;
        int budget = 64 * 1024;
        while (budget > 0 && (available = in.available()) > 0) {
          long skipped = in.skip(Math.min(available, budget));
          if (skipped <= 0) break;
          budget -= (int) skipped;
        }
      }
    } catch (IOException ignored) {
      // closing anyway
    }
    closeQuietly(socket);
  }

  /**
   * After an error line: signals end-of-reply, then discards what the peer still sends (the rest of
   * an over-long request, say) until it closes, for at most {@code linger}, so that closing does not
   * reset the connection before the peer has read the error.
   */
  static void finishAfterError(Socket socket, Duration linger) {
    try {
      socket.shutdownOutput();
      socket.setSoTimeout(millis(linger));
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      long deadline = System.nanoTime() + linger.toNanos();
      int budget = 1024 * 1024;
      while (budget > 0 && System.nanoTime() < deadline) {
        int r = in.read(buf);
        if (r < 0) break;
        budget -= r;
      }
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  static int millis(Duration d) {
    long ms = d.toMillis();
    return ms <= 0 ? 1 : (int) Math.min(Integer.MAX_VALUE, ms);
  }

  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  private static int indexOf(byte[] buf, int from, int to, byte b) {
    for (int i = from; i < to; i++) if (buf[i] == b) return i;
    return -1;
  }
}
