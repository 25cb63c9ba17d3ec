package dev.gpuhub.server.http;

import dev.gpuhub.wire.AgentAuth;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Checks the shared control-plane token ({@code Authorization: Bearer <GPUHUB_AGENT_TOKEN>}) and,
 * when the caller sent a nonce, proves the server knows the token too (see {@link AgentAuth}).
 * The token is taken over TLS (the cluster port), or over plain HTTP only from this machine: on
 * any other path it would have crossed a network in clear, so it is refused (403) even when right.
 */
public final class AgentTokenGuard {
  private final String token;

  public AgentTokenGuard(String token) {
    this.token = token;
  }

  /**
   * @throws UnauthorizedException when the token is missing or wrong; nothing else happens then
   */
  public void require(Context ctx) {
    if (!AgentAuth.bearerMatches(ctx.header("Authorization"), token)) {
      throw new UnauthorizedException("missing or wrong token: send 'Authorization: Bearer <token>' "
          + "with the value of GPUHUB_AGENT_TOKEN");
    }
    requireSecureTransport(ctx);
    String nonce = ctx.header(AgentAuth.NONCE_HEADER);
    if (nonce != null && !nonce.isBlank() && nonce.length() <= 128) {
      ctx.header(AgentAuth.PROOF_HEADER, AgentAuth.proof(token, nonce));
    }
  }

  /**
   * Lets a request that carries a cluster secret through only over TLS or from this machine.
   *
   * @throws ForbiddenResponse (403) otherwise: the secret crossed a network in clear
   */
  public static void requireSecureTransport(Context ctx) {
    if (!ctx.req().isSecure() && !fromLoopback(ctx)) {
      throw new ForbiddenResponse("cluster secrets are taken over plain HTTP from this machine only: agents on other "
          + "machines join the cluster over TLS (gpuhub agent --join <token>), see the administrator guide");
    }
  }

  /** True when the request carries exactly the shared token. */
  public boolean matches(Context ctx) {
    return AgentAuth.bearerMatches(ctx.header("Authorization"), token);
  }

  private static boolean fromLoopback(Context ctx) {
    try {
      return InetAddress.getByName(ctx.req().getRemoteAddr()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
