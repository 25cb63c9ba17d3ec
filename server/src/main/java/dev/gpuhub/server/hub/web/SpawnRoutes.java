package dev.gpuhub.server.hub.web;

import dev.gpuhub.server.hub.spawn.SpawnOptions;
import static dev.gpuhub.server.hub.web.Html.esc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.core.allocation.PlacementPreview;
import dev.gpuhub.core.hub.ServerId;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.discovery.DiscoveryService;
import dev.gpuhub.server.discovery.EligibleNode;
import dev.gpuhub.server.http.JsonBodies;
import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.ProgressEvent;
import dev.gpuhub.server.hub.spawn.ServerLayout;
import dev.gpuhub.server.hub.spawn.ServerState;
import dev.gpuhub.server.hub.spawn.Spawner;
import dev.gpuhub.server.hub.spawn.SpawnerConfig;
import dev.gpuhub.store.ClusterRepository;
import dev.gpuhub.wire.JsonFields;
import dev.gpuhub.wire.WireJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Starting and following a server, JupyterHub-style: the options form ({@code GET /hub/spawn},
 * {@code /hub/spawn/<user>/<server>} for a named server), its POST, the pending page, the REST
 * server endpoints ({@code /hub/api/users/<user>/server} and {@code .../servers/<server>}) and the
 * progress event stream, plus the node table the form polls ({@code GET /hub/api/nodes}).
 */
public final class SpawnRoutes implements AutoCloseable {
  /** Starting servers' own errors and their statuses. */
  public static final List<dev.gpuhub.server.http.ErrorMapping> ERRORS =
      List.of(new dev.gpuhub.server.http.ErrorMapping(dev.gpuhub.server.hub.spawn.ServerAlreadyActiveException.class, 409),
          new dev.gpuhub.server.http.ErrorMapping(dev.gpuhub.server.hub.spawn.ProfileNotAllowedException.class, 403),
          new dev.gpuhub.server.http.ErrorMapping(dev.gpuhub.server.hub.spawn.QuotaExceededException.class, 403));

  private static final ObjectMapper MAPPER = WireJson.mapper();
  private final ProgressStreams streams = new ProgressStreams();

  private final HubIdentity identity;
  private final Spawner spawner;
  private final DiscoveryService discovery;
  private final ClusterRepository repository;
  private final SpawnerConfig config;

  public SpawnRoutes(HubIdentity identity, Spawner spawner, DiscoveryService discovery, ClusterRepository repository,
                     SpawnerConfig config) {
    this.identity = identity;
    this.spawner = spawner;
    this.discovery = discovery;
    this.repository = repository;
    this.config = config;
  }

  public void install(JavalinConfig c) {
    var r = c.routes;
    r.get("/hub/spawn", ctx -> form(ctx, false));
    r.post("/hub/spawn", ctx -> formPost(ctx, false));
    r.get("/hub/spawn/{name}/{server}", ctx -> form(ctx, true));
    r.post("/hub/spawn/{name}/{server}", ctx -> formPost(ctx, true));
    r.get("/hub/spawn-pending/{name}", this::pending);
    r.get("/hub/spawn-pending/{name}/{server}", this::pending);
    r.get("/hub/api/nodes", this::nodes);
    for (String path : List.of("/hub/api/users/{name}/server", "/hub/api/users/{name}/servers/{server}")) {
      r.post(path, this::apiStart);
      r.delete(path, this::apiStop);
      r.get(path, this::apiStatus);
      r.get(path + "/progress", this::progress);
    }
  }

  /**
   * The server a request's path names: {@code {name}} and, for a named server, {@code {server}}.
   *
   * @throws dev.gpuhub.wire.InvalidPayloadException (400) naming what is wrong with the server's name
   */
  static ServerId serverOf(Context ctx) {
    String name = ctx.pathParamMap().get("server");
    try {
      return new ServerId(ctx.pathParam("name"), name);
    } catch (IllegalArgumentException e) {
      throw new dev.gpuhub.wire.InvalidPayloadException(name == null ? "name" : "server", e.getMessage());
    }
  }

  /** The pending page of a server. */
  static String pendingUrl(ServerId id) {
    return "/hub/spawn-pending/" + id.user() + (id.isDefault() ? "" : "/" + id.name());
  }

  /** The REST resource of a server: {@code /hub/api/users/<user>/server} or {@code .../servers/<name>}. */
  static String apiUrl(ServerId id) {
    return "/hub/api/users/" + id.user() + (id.isDefault() ? "/server" : "/servers/" + id.name());
  }

  /** The server the form is for: the caller's default one, or the named one of the path (the caller's, or any for an admin). */
  private ServerId formServer(Context ctx, HubIdentity.User user, boolean named) {
    if (!named) return ServerId.defaultOf(user.name());
    identity.requireOwnerOrAdmin(ctx, ctx.pathParam("name"));
    ServerId id = serverOf(ctx);
    return id;
  }

  private void form(Context ctx, boolean named) {
    HubIdentity.User user = identity.requireUser(ctx);
    ServerId id = formServer(ctx, user, named);
    Optional<ActiveServer> existing = spawner.server(id).filter(s -> s.snapshot().state().isActive());
    if (existing.isPresent()) {
      ctx.redirect(existing.get().snapshot().state() == ServerState.RUNNING ? id.prefix() : pendingUrl(id));
      return;
    }
    ctx.html(formPage(ctx, user, id, null));
  }

  /** The form page; {@code error} is the hub's own message (never text from the request's address). */
  private String formPage(Context ctx, HubIdentity.User user, ServerId id, String error) {
    List<Profile> usable = repository.profiles().stream().filter(p -> !p.retired() && spawner.checks().mayUse(user.name(), p))
        .toList();
    Map<String, List<dev.gpuhub.core.profile.ImageChoice>> images = new HashMap<>();
    for (Profile p : usable) images.put(p.name(), spawner.checks().offered(user.name(), p));
    return Html.page("Start a server", user.name(), user.admin(), SpawnForm.render(usable, images,
        identity.xsrfToken(ctx), error, id));
  }

  private void formPost(Context ctx, boolean named) {
    HubIdentity.User user = identity.requireUser(ctx);
    ServerId id = formServer(ctx, user, named);
    identity.checkXsrf(ctx);
    String profile = first(ctx.formParam("profile"), ctx.formParam("profile_name"), profileById(ctx.formParam("profile_id")));
    String image = ctx.formParam("image");
    String count = first(ctx.formParam("node_count"), ctx.formParam("node_count_final"), null);
    try {
      Integer nodeCount = count == null || count.isBlank() ? null : Integer.parseInt(count.strip());
      spawner.spawn(id, new SpawnOptions(profile, image, nodeCount,
          preferredNodes(ctx.formParam("selected_nodes"), ctx.formParam("primary_node"))));
    } catch (NumberFormatException e) {
      ctx.status(400).html(formPage(ctx, user, id, "node count must be a whole number"));
      return;
    } catch (IllegalArgumentException | IllegalStateException | dev.gpuhub.server.discovery.NotFoundException e) {
      ctx.status(400).html(formPage(ctx, user, id, e.getMessage()));
      return;
    } catch (dev.gpuhub.server.hub.spawn.ProfileNotAllowedException | dev.gpuhub.server.hub.spawn.QuotaExceededException e) {
      ctx.status(403).html(formPage(ctx, user, id, e.getMessage()));
      return;
    }
    ctx.redirect(pendingUrl(id));
  }

  /**
   * The seed load script's {@code selected_nodes} (a JSON list of hostnames or of node objects with
   * {@code hostname}, as /select-nodes answers) with {@code primary_node} moved first; empty when absent
   * or unreadable (the spawner then chooses).
   */
  static List<String> preferredNodes(String selectedJson, String primary) {
    List<String> hosts = new java.util.ArrayList<>();
    if (selectedJson != null && !selectedJson.isBlank()) {
      try {
        for (var n : MAPPER.readTree(selectedJson)) {
          String h = n.isTextual() ? n.asText() : n.path("hostname").asText(null);
          if (h != null && !h.isBlank() && !hosts.contains(h)) hosts.add(h);
        }
      } catch (java.io.IOException | RuntimeException e) {
        return List.of();
      }
    }
    if (primary != null && hosts.remove(primary.strip())) hosts.add(0, primary.strip());
    return hosts;
  }

  private String profileById(String id) {
    if (id == null || id.isBlank()) return null;
    return discovery.profile(id.strip()).map(Profile::name).orElse(id.strip());
  }

  private void pending(Context ctx) {
    HubIdentity.User user = identity.requireOwnerOrAdmin(ctx, ctx.pathParam("name"));
    ServerId id = serverOf(ctx);
    Optional<ActiveServer> server = spawner.server(id);
    if (server.isPresent() && server.get().snapshot().state() == ServerState.RUNNING) {
      ctx.redirect(id.prefix());
      return;
    }
    // values reach the script through data attributes (HTML-escaped), never inside JavaScript text
    String body = "<h1>Starting " + esc(id.describe()) + "</h1>"
        + "<div id=\"spawn\" data-api=\"" + esc(apiUrl(id)) + "\" data-xsrf=\"" + esc(identity.xsrfToken(ctx))
        + "\" data-profile=\"" + esc(server.map(x -> x.snapshot().profile()).orElse("")) + "\"></div>"
        + "<progress id=\"bar\" max=\"100\" value=\"0\"></progress><p id=\"msg\" class=\"muted\">Waiting for progress...</p>"
        + "<ul id=\"log\"></ul><div id=\"home-choice\" hidden><p>Your files are on <b id=\"home-node\"></b>.</p>"
        + "<button id=\"home-wait\">Wait for that node</button> "
        + "<button id=\"home-scratch\">Start with an empty scratch home</button></div>"
        + "<p id=\"queue\" class=\"muted\"></p><p><button id=\"cancel\">Cancel</button> "
        + "<a href=\"/hub/home\">Back to home</a></p><script>"
        + "const S=document.getElementById('spawn').dataset;const U=S.api;"
        + "const es=new EventSource(U+'/progress');"
        + "es.onmessage=e=>{const d=JSON.parse(e.data);document.getElementById('bar').value=d.progress;"
        + "document.getElementById('msg').textContent=d.message;const li=document.createElement('li');li.textContent=d.message;"
        + "document.getElementById('log').appendChild(li);"
        + "if(d.ready){es.close();window.location=d.url;}if(d.failed){es.close();document.getElementById('msg').className='error';}"
        + "if(d.home_unavailable){const h=document.getElementById('home-choice');h.hidden=false;"
        + "document.getElementById('home-node').textContent=d.home_unavailable.node;}"
        + "const q=document.getElementById('queue');q.textContent=d.queue?('Position '+d.queue.position+' of '+d.queue.queue_length"
        + "+(d.queue.estimated_wait_seconds==null?'':', about '+d.queue.estimated_wait_seconds+' s')+'. Why: '"
        + "+Object.entries(d.queue.why_pending).map(([k,v])=>k+': '+v).join('; ')):'';};"
        + "document.getElementById('cancel').addEventListener('click',async()=>{const r=await fetch(U,{method:'DELETE',"
        + "headers:{'X-XSRFToken':S.xsrf}});if(r.ok)window.location='/hub/home';});"
        + "async function startAgain(home){const r=await fetch(U,{method:'POST',"
        + "headers:{'X-XSRFToken':S.xsrf,'Content-Type':'application/json'},body:JSON.stringify({profile:S.profile,home:home})});"
        + "if(r.ok)window.location.reload();else document.getElementById('msg').textContent=(await r.json()).error;}"
        + "document.getElementById('home-wait').addEventListener('click',()=>startAgain('wait'));"
        + "document.getElementById('home-scratch').addEventListener('click',()=>startAgain('scratch'));"
        + "</script>";
    ctx.html(Html.page("Starting", user.name(), user.admin(), body));
  }

  /**
   * The options form's node table and plan. With a profile both come from the placement engine's
   * preview of the very request a start would make now ({@link Spawner#preview}): the table lists
   * the nodes it would take first (the first is the primary), then the other nodes with room by the
   * policy's rank, then the rest with the reason they have no room; the plan lays the server out
   * over the chosen nodes. Without a profile the table shows the nodes under the default limits.
   */
  private void nodes(Context ctx) {
    HubIdentity.User user = identity.requireUser(ctx);
    String ref = ctx.queryParam("profile");
    Profile profile = ref == null || ref.isBlank() ? null : discovery.profile(ref).orElse(null);
    if (profile != null) spawner.checks().checkAllowed(user.name(), profile);
    ObjectNode body = MAPPER.createObjectNode();
    ArrayNode nodes = body.putArray("nodes");
    Map<String, NodeReport> live = new HashMap<>();
    discovery.liveNodes().forEach(n -> live.put(n.hostname(), n));
    PlacementPreview preview = null;
    if (profile == null) {
      boolean primaryMarked = false;
      for (EligibleNode e : discovery.eligibility(null)) {
        ObjectNode n = nodeJson(e.scored().node(), e.eligible(), e.eligible() && !primaryMarked, e.rejectionReason(), null);
        if (e.eligible()) primaryMarked = true;
        nodes.add(n);
      }
    } else {
      int count = nodeCount(profile, ctx.queryParam("node_count"));
      preview = spawner.placements().preview(user.name(), profile, count);
      List<String> home = spawner.homePreference(user.name(), count);
      body.set("home_nodes", MAPPER.valueToTree(home));
      for (PlacementPreview.Candidate c : preview.candidates()) {
        NodeReport node = live.get(c.hostname());
        if (node == null) continue;
        boolean primary = !preview.chosen().isEmpty() && preview.chosen().get(0).equals(c.hostname());
        nodes.add(nodeJson(node, c.eligible(), primary, c.rejection(), c.score()).put("holds_home", home.contains(c.hostname())));
      }
    }
    for (var a : spawner.placements().allocations()) {
      for (var n : nodes) {
        if (!n.path("hostname").asText().equals(a.hostname())) continue;
        ObjectNode o = (ObjectNode) n;
        o.put("cpu_reserved", a.cpuReserved());
        o.put("memory_reserved_gb", a.memoryReserved());
        o.put("containers_with_reservations", a.containers());
        ArrayNode gpus = o.putArray("gpus");
        Map<String, dev.gpuhub.core.node.GpuDevice> devices = new java.util.HashMap<>();
        for (var d : a.report().gpuInfo()) devices.put(d.uuid(), d);
        for (var g : a.gpuHolders().entrySet()) {
          var d = devices.get(g.getKey());
          gpus.addObject().put("uuid", g.getKey()).put("model", d == null ? null : d.name())
              .put("memory_total_mb", d == null ? null : d.memoryTotalMb())
              .put("held_by", g.getValue() == null ? null : HomeAdminRoutes.holder(g.getValue()));
        }
      }
    }
    body.put("queued", spawner.placements().queueLength());
    if (preview != null) {
      body.set("plan", plan(spawner.placements().layout(profile, preview.chosen())));
      body.put("plan_exact", preview.exact());
      if (!preview.placed()) body.put("wait_reason", preview.waitReason());
    }
    ctx.json(body);
  }

  private ObjectNode nodeJson(NodeReport node, boolean eligible, boolean primary, String rejection, Double score) {
    ObjectNode n = MAPPER.valueToTree(node);
    n.put("load_score", discovery.loadScore(node));
    n.put("eligible", eligible);
    n.put("primary", primary);
    if (score != null) n.put("placement_score", score);
    if (!eligible) n.put("rejection_reason", rejection);
    return n;
  }

  /** The node count asked for, within the profile's bounds (its minimum when absent or not a number). */
  private static int nodeCount(Profile profile, String asked) {
    int want = profile.minNodes();
    try {
      if (asked != null && !asked.isBlank()) want = Integer.parseInt(asked.strip());
    } catch (NumberFormatException ignored) {
      // the profile's minimum
    }
    return Math.max(profile.minNodes(), Math.min(profile.maxNodes(), want));
  }

  /** The plan as the form shows it: per node, primary first, what runs there. */
  static ArrayNode plan(List<ServerLayout.NodeParts> layout) {
    ArrayNode plan = MAPPER.createArrayNode();
    for (ServerLayout.NodeParts p : layout) {
      ObjectNode step = plan.addObject().put("hostname", p.hostname()).put("primary", p.primary());
      ArrayNode runs = step.putArray("runs");
      p.parts().forEach(part -> runs.add(ServerLayout.describe(part, p.hostname())));
    }
    return plan;
  }

  private void apiStart(Context ctx) {
    identity.requireOwnerOrAdmin(ctx, ctx.pathParam("name"));
    ServerId id = serverOf(ctx);
    identity.checkXsrf(ctx);
    JsonFields f = JsonFields.of(JsonBodies.readOrEmpty(ctx), null);
    String profile = f.optionalText("profile", 63, null);
    String image = f.optionalText("image", 255, null);
    Integer count = f.has("node_count") ? (int) f.requireLong("node_count", 1, 1000) : null;
    String home = f.optionalText("home", 16, null);
    if (home != null && !home.equals("wait") && !home.equals("scratch")) {
      throw new dev.gpuhub.wire.InvalidPayloadException("home", "home must be \"wait\" (for the node holding your home) or "
          + "\"scratch\" (an empty home, lost when the server stops), was '" + home + "'");
    }
    Optional<ActiveServer> existing = spawner.server(id).filter(s -> s.snapshot().state().isActive());
    if (existing.isPresent()) {
      ctx.status(existing.get().snapshot().state() == ServerState.RUNNING ? 201 : 202).json(status(existing.get()));
      return;
    }
    ActiveServer server = spawner.spawn(id, new SpawnOptions(profile, image, count, List.of(), home));
    ctx.status(202).json(status(server));
  }

  private void apiStop(Context ctx) {
    identity.requireOwnerOrAdmin(ctx, ctx.pathParam("name"));
    ServerId id = serverOf(ctx);
    identity.checkXsrf(ctx);
    spawner.stop(id, "stopped by " + identity.current(ctx).map(HubIdentity.User::name).orElse("?"));
    ctx.status(204);
  }

  private void apiStatus(Context ctx) {
    identity.requireOwnerOrAdmin(ctx, ctx.pathParam("name"));
    ServerId id = serverOf(ctx);
    ActiveServer server = spawner.server(id).orElseThrow(() ->
        new dev.gpuhub.server.discovery.NotFoundException(id.user() + " has no server" + (id.isDefault() ? "" : " named '" + id.name() + "'")));
    ctx.json(status(server));
  }

  private ObjectNode status(ActiveServer server) {
    ActiveServer.Snapshot s = server.snapshot();
    ObjectNode n = MAPPER.createObjectNode();
    n.put("user", s.user());
    n.put("name", s.server());
    n.put("state", s.state().name().toLowerCase());
    n.put("ready", s.state() == ServerState.RUNNING);
    n.put("pending", s.state() == ServerState.PENDING ? "spawn" : null);
    n.put("url", s.url());
    n.put("progress_url", apiUrl(s.id()) + "/progress");
    n.put("profile", s.profile());
    n.put("image", s.image());
    n.set("nodes", MAPPER.valueToTree(s.nodes()));
    n.put("primary_node", s.primaryHostname());
    n.put("started", s.startedAt().toString());
    if (s.failureReason() != null) n.put("failure_reason", s.failureReason());
    spawner.placements().queued(s.id()).ifPresent(q -> n.set("queue", dev.gpuhub.server.discovery.ReservationViews.queueEntry(q)));
    n.set("reservations", dev.gpuhub.server.discovery.ReservationViews.list(spawner.placements().reservations(s.id())));
    return n;
  }

  /** Stops the progress streams' writers. */
  @Override
  public void close() {
    streams.close();
  }

  /** The progress of the owner's spawn as server-sent events, for the owner or an admin ({@link ProgressStreams}). */
  private void progress(Context ctx) {
    HubIdentity.User user = identity.requireOwnerOrAdmin(ctx, ctx.pathParam("name"));
    ServerId id = serverOf(ctx);
    streams.serve(ctx, user.name(), id.isDefault() ? id.user() : id.user() + "'s server '" + id.name() + "'",
        spawner.server(id));
  }

  private static String first(String a, String b, String c) {
    if (a != null && !a.isBlank()) return a.strip();
    if (b != null && !b.isBlank()) return b.strip();
    return c;
  }

}
