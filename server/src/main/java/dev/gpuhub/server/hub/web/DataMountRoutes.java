package dev.gpuhub.server.hub.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.core.data.DataMount;
import dev.gpuhub.core.data.InvalidDataMountException;
import dev.gpuhub.server.http.JsonBodies;
import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.store.ClusterRepository;
import dev.gpuhub.store.HubRepository;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.JsonFields;
import dev.gpuhub.wire.WireJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared data an administrator declares (see {@link DataMount}), admins only:
 * <ul>
 *   <li>{@code GET /hub/api/data-mounts}: every declaration and the hub's data root;</li>
 *   <li>{@code POST /hub/api/data-mounts} {@code {name, path, target, read_only, profiles, groups}}:
 *       201; 400 naming the field for a bad name, a path outside {@code GPUHUB_DATA_ROOT}, a
 *       reserved target, an unknown profile or group; 409 for a name in use. Nothing is stored
 *       unless all of it is right;</li>
 *   <li>{@code DELETE /hub/api/data-mounts/<name>}: 204; the data is never touched (404 when unknown).</li>
 * </ul>
 * Servers started afterwards get the mounts that apply to them; running ones keep what they have.
 */
public final class DataMountRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(DataMountRoutes.class);
  private static final Set<String> FIELDS = Set.of("name", "path", "target", "read_only", "profiles", "groups");
  private final HubIdentity identity;
  private final HubRepository hub;
  private final ClusterRepository cluster;
  private final String dataRoot;

  public DataMountRoutes(HubIdentity identity, HubRepository hub, ClusterRepository cluster, String dataRoot) {
    this.identity = identity;
    this.hub = hub;
    this.cluster = cluster;
    this.dataRoot = dataRoot;
  }

  public void install(JavalinConfig c) {
    c.routes.get("/hub/api/data-mounts", ctx -> {
      identity.requireAdmin(ctx);
      ObjectNode body = WireJson.mapper().createObjectNode().put("data_root", dataRoot);
      ArrayNode mounts = body.putArray("data_mounts");
      for (DataMount m : hub.dataMounts()) mounts.add(view(m));
      ctx.json(body);
    });
    c.routes.post("/hub/api/data-mounts", this::create);
    c.routes.delete("/hub/api/data-mounts/{name}", ctx -> {
      HubIdentity.User admin = identity.requireAdmin(ctx);
      identity.checkXsrf(ctx);
      String name = ctx.pathParam("name");
      if (!hub.deleteDataMount(name)) throw new NotFoundResponse("data mount '" + name + "' does not exist");
      LOG.atInfo().addKeyValue("name", name).addKeyValue("by", admin.name()).log("data mount removed (its data is kept)");
      ctx.status(204);
    });
  }

  private void create(Context ctx) {
    HubIdentity.User admin = identity.requireAdmin(ctx);
    identity.checkXsrf(ctx);
    DataMount mount = parse(JsonFields.of(JsonBodies.read(ctx), null).acceptOnly(FIELDS));
    hub.createDataMount(mount);
    LOG.atInfo().addKeyValue("name", mount.name()).addKeyValue("path", mount.path()).addKeyValue("by", admin.name())
        .log("data mount declared");
    ctx.status(201).json(view(mount));
  }

  /** The declaration in {@code f}, checked against the data root, the profiles and the groups. */
  DataMount parse(JsonFields f) {
    DataMount mount;
    try {
      mount = new DataMount(f.optionalText("name", 63, null), f.optionalText("path", 255, null),
          f.optionalText("target", 255, null), f.optionalBoolean("read_only", true), f.optionalStringList("profiles"),
          f.optionalStringList("groups"));
    } catch (InvalidDataMountException e) {
      throw new InvalidPayloadException(e.field(), e.getMessage());
    }
    if (dataRoot == null) {
      throw new InvalidPayloadException("path", "this hub has no GPUHUB_DATA_ROOT: set it (and the same on every "
          + "agent) to the directory under which the nodes hold shared data");
    }
    if (!mount.path().equals(dataRoot) && !mount.path().startsWith(dataRoot + "/")) {
      throw new InvalidPayloadException("path", "path '" + mount.path() + "' is not under GPUHUB_DATA_ROOT (" + dataRoot + ")");
    }
    KnownNames.profiles(cluster, mount.profiles());
    KnownNames.groups(hub, mount.groups());
    return mount;
  }

  static ObjectNode view(DataMount m) {
    ObjectNode o = WireJson.mapper().createObjectNode().put("name", m.name()).put("path", m.path())
        .put("target", m.target()).put("read_only", m.readOnly());
    m.profiles().forEach(o.putArray("profiles")::add);
    m.groups().forEach(o.putArray("groups")::add);
    return o;
  }
}
