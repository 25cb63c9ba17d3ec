package dev.gpuhub.server.http;

import dev.gpuhub.wire.AgentAuth;
import io.javalin.http.Context;

/**
 * Checks the shared control-plane token ({@code Authorization: Bearer <GPUHUB_AGENT_TOKEN>}) and,
 * when the caller sent a nonce, proves the server knows the token too (see {@link AgentAuth}).
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
    String nonce = ctx.header(AgentAuth.NONCE_HEADER);
    if (nonce != null && !nonce.isBlank() && nonce.length() <= 128) {
      ctx.header(AgentAuth.PROOF_HEADER, AgentAuth.proof(token, nonce));
    }
  }
}
