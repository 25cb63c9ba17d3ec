package dev.gpuhub.server.hub.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.server.http.JsonBodies;
import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.server.hub.spawn.Spawner;
import dev.gpuhub.server.workload.AgentCallException;
import dev.gpuhub.server.workload.AgentClient;
import dev.gpuhub.server.workload.AgentEndpoint;
import dev.gpuhub.server.workload.Homes;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.JsonFields;
import dev.gpuhub.wire.WireJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.ConflictResponse;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' homes (volume homes, one copy per node) as the nodes hold them:
 * <ul>
 *   <li>{@code GET /hub/api/homes}, admins: every copy, {@code {user, node, size_bytes, modified}}, and
 *       the nodes that could not be asked;</li>
 *   <li>{@code GET /hub/api/users/<name>/home}, the user or an admin: that user's copies, and the
 *       home's size where it is against the quota ({@code used_bytes}, {@code quota_bytes},
 *       {@code refused_above_bytes}, {@code quota_state}, {@code quota_message});</li>
 *   <li>{@code DELETE /hub/api/homes/<name>} with {@code {"confirm": "<name>"}}, admins: removes the
 *       user's home on every node that answers, the one way gpuhub ever deletes a user's files. 400
 *       without the confirmation, 409 while the user has a server; logged with who asked.</li>
 * </ul>
 */
public final class HomesRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(HomesRoutes.class);
  private final HubIdentity identity;
  private final Spawner spawner;
  private final AgentClient agents;
  private final Supplier<List<NodeReport>> liveNodes;
  private final dev.gpuhub.server.workload.HomeQuota quota;

  public HomesRoutes(HubIdentity identity, Spawner spawner, AgentClient agents, Supplier<List<NodeReport>> liveNodes,
                     dev.gpuhub.server.workload.HomeQuota quota) {
    this.quota = quota;
    this.identity = identity;
    this.spawner = spawner;
    this.agents = agents;
    this.liveNodes = liveNodes;
  }

  public void install(JavalinConfig c) {
    c.routes.get("/hub/api/homes", ctx -> {
      identity.requireAdmin(ctx);
      ctx.json(copies(null));
    });
    c.routes.get("/hub/api/users/{name}/home", ctx -> {
      String user = ctx.pathParam("name");
      identity.requireOwnerOrAdmin(ctx, user);
      ObjectNode body = copies(user).put("user", user);
      var used = spawner.homeUsedBytes(user);
      body.put("used_bytes", used.orElse(null));
      body.put("quota_bytes", quota.limited() ? quota.limitBytes() : null);
      body.put("refused_above_bytes", quota.limited() ? quota.refusedAbove() : null);
      body.put("quota_state", used.map(u -> quota.state(u).name().toLowerCase(java.util.Locale.ROOT)).orElse(null));
      body.put("quota_message", used.map(quota::message).orElse(null));
      ctx.json(body);
    });
    c.routes.delete("/hub/api/homes/{name}", this::delete);
  }

  private ObjectNode copies(String onlyUser) {
    ObjectNode body = WireJson.mapper().createObjectNode();
    ArrayNode homes = body.putArray("homes");
    ArrayNode unreachable = body.putArray("unreachable");
    for (NodeReport node : liveNodes.get()) {
      var agent = AgentEndpoint.of(node);
      if (agent.isEmpty()) continue;
      try {
        for (AgentClient.StoredVolume v : agents.volumes(agent.get())) {
          if (!v.name().startsWith(Homes.VOLUME_PREFIX)) continue;
          String user = v.name().substring(Homes.VOLUME_PREFIX.length());
          if (onlyUser != null && !onlyUser.equals(user)) continue;
          homes.addObject().put("user", user).put("node", node.hostname()).put("size_bytes", v.sizeBytes())
              .put("modified", v.modified() == null ? null : v.modified().toString());
        }
      } catch (AgentCallException e) {
        unreachable.add(node.hostname());
      }
    }
    return body;
  }

  private void delete(Context ctx) {
    HubIdentity.User admin = identity.requireAdmin(ctx);
    identity.checkXsrf(ctx);
    String user = ctx.pathParam("name");
    JsonFields f = JsonFields.of(JsonBodies.readOrEmpty(ctx), null).acceptOnly(Set.of("confirm"));
    String confirm = f.optionalText("confirm", 64, null);
    if (!user.equals(confirm)) {
      throw new InvalidPayloadException("confirm", "deleting a home removes " + user + "'s files for good: send "
          + "{\"confirm\": \"" + user + "\"} to confirm");
    }
    if (spawner.hasActive(user)) {
      throw new ConflictResponse(user + " has a server: stop it (and any named server) first");
    }
    ObjectNode body = WireJson.mapper().createObjectNode().put("user", user);
    ArrayNode removed = body.putArray("removed_on");
    ArrayNode unreachable = body.putArray("unreachable");
    for (NodeReport node : liveNodes.get()) {
      var agent = AgentEndpoint.of(node);
      if (agent.isEmpty()) continue;
      try {
        if (agents.removeVolume(agent.get(), Homes.volumeOf(user))) removed.add(node.hostname());
      } catch (AgentCallException e) {
        unreachable.add(node.hostname() + ": " + e.getMessage());
      }
    }
    LOG.atWarn().addKeyValue("user", user).addKeyValue("by", admin.name()).addKeyValue("removed_on", removed.toString())
        .log("a user's home was deleted by an administrator");
    ctx.json(body);
  }
}
