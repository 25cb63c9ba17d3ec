package dev.gpuhub.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.core.placement.NotEnoughNodesException;
import dev.gpuhub.store.DuplicateNameException;
import dev.gpuhub.store.StoreException;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.WireJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps failures to HTTP answers with a JSON body {@code {"error": "..."}} (plus {@code field} for
 * a bad field, {@code rejected} for a shortfall of nodes). Unexpected errors are logged with an id
 * the answer repeats, and never leak internals.
 */
public final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  /** Installs the mappings of the HTTP layer and those {@code features} register. */
  public static void install(JavalinConfig config, List<ErrorMapping> features) {
    var routes = config.routes;
    for (ErrorMapping m : features) routes.exception(m.type(), (e, ctx) -> send(ctx, m.status(), error(e.getMessage())));
    routes.exception(InvalidPayloadException.class, (e, ctx) -> {
      ObjectNode body = error(e.getMessage());
      if (e.field() != null) body.put("field", e.field());
      send(ctx, 400, body);
    });
    routes.exception(JsonBodies.BodyTooLargeException.class, (e, ctx) -> send(ctx, 413, error(e.getMessage())));
    routes.exception(IllegalArgumentException.class, (e, ctx) -> send(ctx, 400, error(e.getMessage())));
    routes.exception(DuplicateNameException.class, (e, ctx) -> send(ctx, 409, error(e.getMessage())));
    routes.exception(UnauthorizedException.class, (e, ctx) -> send(ctx, 401, error(e.getMessage())));
    routes.exception(NotEnoughNodesException.class, (e, ctx) -> {
      ObjectNode body = error(e.getMessage());
      body.put("status", "error");
      ObjectNode rejected = body.putObject("rejected");
      e.rejected().forEach(rejected::put);
      send(ctx, 409, body);
    });
    routes.exception(StoreException.class, (e, ctx) -> {
      String id = incidentId();
      LOG.atError().addKeyValue("incident", id).setCause(e).log("store failure");
      send(ctx, 503, error("a store is unavailable: " + e.getMessage() + " (incident " + id + ")"));
    });
    routes.exception(HttpResponseException.class, (e, ctx) -> send(ctx, e.getStatus(), error(e.getMessage())));
    routes.exception(Exception.class, (e, ctx) -> {
      String id = incidentId();
      LOG.atError().addKeyValue("incident", id).addKeyValue("path", ctx.path()).setCause(e).log("unexpected error");
      send(ctx, 500, error("internal error; the server log has the details under incident " + id));
    });
    routes.error(404, "*", ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) {
        send(ctx, 404, error("no such endpoint: " + ctx.method() + " " + ctx.path()));
      }
    });
    routes.error(405, "*", ctx -> send(ctx, 405, error("method " + ctx.method() + " is not allowed on " + ctx.path())));
  }

  public static ObjectNode error(String message) {
    return WireJson.mapper().createObjectNode().put("error", message);
  }

  /** Answers {@code status} with {@code body} as JSON; the one JSON writer of the HTTP layer. */
  public static void send(Context ctx, int status, com.fasterxml.jackson.databind.JsonNode body) {
    ctx.status(status).contentType("application/json").result(body.toString());
  }

  private static String incidentId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
