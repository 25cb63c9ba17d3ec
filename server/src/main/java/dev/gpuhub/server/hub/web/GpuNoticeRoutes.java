package dev.gpuhub.server.hub.web;

import static dev.gpuhub.server.hub.web.Html.esc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.core.hub.ServerId;
import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.GpuNotices;
import dev.gpuhub.server.hub.spawn.SpawnOptions;
import dev.gpuhub.server.hub.spawn.Spawner;
import dev.gpuhub.wire.WireJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * What users are told of their idle GPUs, and the one click that asks for a GPU again:
 * <ul>
 *   <li>{@code GET /hub/api/users/<name>/notices}: the user's notices
 *       ({@code [{"server", "kind": "idle_warning"|"gpu_reclaimed", "message", "at", "due", "gpu_profile"}]});</li>
 *   <li>{@code POST /hub/api/users/<name>/server/gpu} (and {@code .../servers/<server>/gpu}): after its
 *       GPUs were given back, restarts the server on the GPU profile it had (queued like any start;
 *       the files stay): 202, or 409 when no GPU was given back from it;</li>
 *   <li>{@link #banner}: the home page's notices with that button.</li>
 * </ul>
 */
public final class GpuNoticeRoutes {
  private final HubIdentity identity;
  private final Spawner spawner;
  private final GpuNotices notices;

  public GpuNoticeRoutes(HubIdentity identity, Spawner spawner, GpuNotices notices) {
    this.identity = identity;
    this.spawner = spawner;
    this.notices = notices;
  }

  public void install(JavalinConfig c) {
    c.routes.get("/hub/api/users/{name}/notices", this::list);
    c.routes.post("/hub/api/users/{name}/server/gpu", this::gpuAgain);
    c.routes.post("/hub/api/users/{name}/servers/{server}/gpu", this::gpuAgain);
  }

  private void list(Context ctx) {
    identity.requireOwnerOrAdmin(ctx, ctx.pathParam("name"));
    ArrayNode out = WireJson.mapper().createArrayNode();
    for (GpuNotices.Notice n : notices.ofUser(ctx.pathParam("name"))) {
      ObjectNode o = out.addObject();
      o.put("server", n.server().name());
      o.put("kind", n.kind().name().toLowerCase(java.util.Locale.ROOT));
      o.put("message", n.message());
      o.put("at", n.at().toString());
      if (n.due() == null) o.putNull("due");
      else o.put("due", n.due().toString());
      o.put("gpu_profile", n.gpuProfile());
    }
    ctx.json(out);
  }

  private void gpuAgain(Context ctx) {
    identity.requireOwnerOrAdmin(ctx, ctx.pathParam("name"));
    ServerId id = SpawnRoutes.serverOf(ctx);
    identity.checkXsrf(ctx);
    GpuNotices.Notice notice = notices.of(id).filter(n -> n.kind() == GpuNotices.Kind.GPU_RECLAIMED)
        .orElseThrow(() -> new io.javalin.http.ConflictResponse("no GPU was given back from "
            + id.describe() + ": start it with a GPU profile as usual"));
    spawner.stop(id, "restarting with a GPU (" + notice.gpuProfile() + ") as its owner asked");
    ActiveServer server = spawner.spawn(id, new SpawnOptions(notice.gpuProfile(), null, null));
    notices.clear(id);
    ObjectNode body = WireJson.mapper().createObjectNode();
    body.put("profile", server.snapshot().profile());
    body.put("pending", "spawn");
    body.put("progress_url", SpawnRoutes.pendingUrl(id));
    ctx.status(202).json(body);
  }

  /** The home page's notices of the user, each a paragraph; the reclaimed ones with the button. */
  public String banner(String user) {
    List<GpuNotices.Notice> mine = notices.ofUser(user);
    StringBuilder b = new StringBuilder();
    for (GpuNotices.Notice n : mine) {
      String suffix = n.server().isDefault() ? "" : "-" + n.server().name();
      if (n.kind() == GpuNotices.Kind.IDLE_WARNING) {
        b.append("<p class=\"warning\" id=\"gpu-idle-warning").append(esc(suffix)).append("\">").append(esc(n.message()))
            .append("</p>");
      } else {
        b.append("<p class=\"warning\" id=\"gpu-reclaimed").append(esc(suffix)).append("\">").append(esc(n.message()))
            .append(" ").append(PageActions.button("gpu-again" + suffix, "Ask for a GPU again", "POST",
                SpawnRoutes.apiUrl(n.server()) + "/gpu", null))
            .append("</p>");
      }
    }
    return b.toString();
  }
}
