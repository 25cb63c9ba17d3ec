package dev.gpuhub.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client for a latency cross-check beside wrk: GETs one URL over one keep-alive
 * connection, one request at a time, timing each from the first byte written to the last byte of
 * the body read. Understands Content-Length and chunked bodies; any status other than 200 fails.
 */
final class SequentialGet {
  /** Percentiles in milliseconds. */
  record Result(int requests, double p50Ms, double p99Ms, double maxMs) {}

  private SequentialGet() {}

  static Result run(String url, String authorization, int requests) throws IOException {
    return run(url, authorization, requests, null);
  }

  /** As the other, over TLS with {@code tls} when the URL is https. */
  static Result run(String url, String authorization, int requests, javax.net.ssl.SSLContext tls) throws IOException {
    URI uri = URI.create(url);
    byte[] request = ("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
        + "\r\nAuthorization: " + authorization + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    long[] nanos = new long[requests];
    try (Socket socket = "https".equals(uri.getScheme()) ? tls.getSocketFactory().createSocket(uri.getHost(), uri.getPort())
        : new Socket(uri.getHost(), uri.getPort())) {
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      for (int i = 0; i < requests; i++) {
        long start = System.nanoTime();
        out.write(request);
        out.flush();
        readResponse(in);
        nanos[i] = System.nanoTime() - start;
      }
    }
    Arrays.sort(nanos);
    return new Result(requests, nanos[requests / 2] / 1e6, nanos[(int) (requests * 0.99)] / 1e6,
        nanos[requests - 1] / 1e6);
  }

  private static void readResponse(InputStream in) throws IOException {
    String status = line(in);
    if (!status.startsWith("HTTP/1.1 200")) throw new IOException("unexpected answer: " + status);
    long length = -1;
    boolean chunked = false;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) length = Long.parseLong(h.substring(15).strip());
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
    }
    if (chunked) {
      for (long size = Long.parseLong(line(in).split(";")[0].strip(), 16); size > 0;
           size = Long.parseLong(line(in).split(";")[0].strip(), 16)) {
        skip(in, size);
        line(in);
      }
      while (!line(in).isEmpty()) {
        // trailer fields
      }
    } else if (length >= 0) {
      skip(in, length);
    } else {
      throw new IOException("an answer without Content-Length or chunked body cannot be timed on a kept connection");
    }
  }

  private static void skip(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) throw new IOException("connection closed in a body");
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) throw new IOException("connection closed");
      if (b != '\r') buf.write(b);
    }
    return buf.toString(StandardCharsets.US_ASCII);
  }
}
