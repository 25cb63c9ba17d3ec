package dev.gpuhub.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gpuhub.wire.AgentAuth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

/**
 * A JDK HttpServer on 127.0.0.1 standing in for the discovery service's POST /register-node. It
 * records every request and answers as its policy says for the n-th request (0-based).
 */
public final class StubDiscoveryServer implements AutoCloseable {

  /** How the stub answers one heartbeat. */
  public enum Answer {
    /** 200 with the right proof: a real server that took the report. */
    OK,
    /** 200 with a proof made from another token: an impostor or a misconfigured server. */
    WRONG_PROOF,
    /** 200 without a proof header: something that is not a gpuhub server. */
    NO_PROOF,
    /** 503: the server is up but its store is not. */
    UNAVAILABLE,
    /** 401: the server does not know this agent's token. */
    UNAUTHORIZED
  }

  /** One recorded request. */
  public record Request(long atNanos, String method, String authorization, String nonce, String contentType, String body) {}

  private final HttpServer server;
  private final String token;
  private final IntFunction<Answer> policy;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private StubDiscoveryServer(int port, String token, IntFunction<Answer> policy) {
    this.token = token;
    this.policy = policy;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/register-node", this::handle);
    server.start();
  }

  /** A stub on a free port. */
  public static StubDiscoveryServer start(String token, IntFunction<Answer> policy) {
    return new StubDiscoveryServer(0, token, policy);
  }

  /** A stub on {@code port}. */
  public static StubDiscoveryServer startOn(int port, String token, IntFunction<Answer> policy) {
    return new StubDiscoveryServer(port, token, policy);
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      var h = exchange.getRequestHeaders();
      String nonce = h.getFirst(AgentAuth.NONCE_HEADER);
      requests.add(new Request(System.nanoTime(), exchange.getRequestMethod(), h.getFirst("Authorization"), nonce,
          h.getFirst("Content-Type"), body));
      Answer answer = policy.apply(requests.size() - 1);
      switch (answer) {
        case OK -> exchange.getResponseHeaders().add(AgentAuth.PROOF_HEADER, AgentAuth.proof(token, nonce == null ? "" : nonce));
        case WRONG_PROOF -> exchange.getResponseHeaders().add(AgentAuth.PROOF_HEADER,
            AgentAuth.proof("another-token-of-sufficient-length", nonce == null ? "" : nonce));
        default -> { }
      }
      int status = switch (answer) {
        case OK, WRONG_PROOF, NO_PROOF -> 200;
        case UNAVAILABLE -> 503;
        case UNAUTHORIZED -> 401;
      };
      byte[] out = (status == 200 ? "{\"status\":\"ok\"}" : "{\"error\":\"stub says " + answer + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, out.length);
      exchange.getResponseBody().write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
