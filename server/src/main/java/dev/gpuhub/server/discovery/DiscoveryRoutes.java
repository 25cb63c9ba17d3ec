package dev.gpuhub.server.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.core.node.NodeRecord;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.core.placement.SelectionAlgorithm;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.http.AgentTokenGuard;
import dev.gpuhub.server.http.JsonBodies;
import dev.gpuhub.server.ops.ServerMetrics;
import dev.gpuhub.store.ClusterRepository;
import dev.gpuhub.store.NodeLiveState;
import dev.gpuhub.store.StoreHealth;
import dev.gpuhub.wire.NodeReportParser;
import dev.gpuhub.wire.WireJson;
import dev.gpuhub.server.http.ApiErrors;
import java.util.List;
import io.javalin.config.JavalinConfig;
import dev.gpuhub.server.trust.TrustRoutes;
import io.javalin.http.Context;

/**
 * The discovery API of SPEC §3 with the seed's paths and JSON field names. Reads are open;
 * everything that writes needs the control-plane token ({@code Authorization: Bearer ...}).
 */
public final class DiscoveryRoutes {
  /** The discovery feature's own errors and their statuses. */
  public static final java.util.List<dev.gpuhub.server.http.ErrorMapping> ERRORS =
      java.util.List.of(new dev.gpuhub.server.http.ErrorMapping(NotFoundException.class, 404));

  private static final ObjectMapper MAPPER = WireJson.mapper();

  private final DiscoveryService service;
  private final ClusterRepository repository;
  private final NodeLiveState live;
  private final AgentTokenGuard guard;
  /** Who a heartbeat over the cluster port is from; null without a cluster CA. */
  private final TrustRoutes trust;
  private final ServerMetrics metrics;

  /** Whether a group exists; none do until the hub says (a control plane without a hub). */
  private volatile java.util.function.Predicate<String> groupExists = name -> false;

  /** Where {@code /health-check} reads the stores' health; asked directly until set. */
  private volatile StoreHealthProbe durableHealth;
  private volatile StoreHealthProbe liveHealth;

  /**
   * Makes {@code /health-check} answer from these probes (the last answer of each store, never
   * waiting on a store that is down).
   */
  public void health(StoreHealthProbe durable, StoreHealthProbe live) {
    this.durableHealth = durable;
    this.liveHealth = live;
  }

  public DiscoveryRoutes(DiscoveryService service, ClusterRepository repository, NodeLiveState live,
                         AgentTokenGuard guard, ServerMetrics metrics, TrustRoutes trust) {
    this.trust = trust;
    this.service = service;
    this.repository = repository;
    this.live = live;
    this.guard = guard;
    this.metrics = metrics;
  }

  /**
   * Reads that need a credential: the cluster's (a node's certificate, or the shared token over TLS
   * or from this machine) or a hub admin's API token ({@code Authorization: token <t>}, see
   * {@link #readers}): they name users' reservations, node addresses and agent ports.
   * {@code /livez} and {@code /health-check} (status only) stay open to anyone.
   */
  static final List<String> READS = List.of("/metrics", "/available-nodes", "/all-nodes", "/jupyterhub-nodes",
      "/profiles", "/profiles/{id}", "/reservations");

  private volatile java.util.function.Predicate<String> adminToken = token -> false;

  /** Also lets through reads that carry an API token this predicate accepts (the hub's admins'). */
  public void readers(java.util.function.Predicate<String> adminApiToken) {
    this.adminToken = java.util.Objects.requireNonNull(adminApiToken, "adminApiToken");
  }

  /** Which group names exist (the hub's groups), so that a profile names only real ones. */
  public void groups(java.util.function.Predicate<String> exists) {
    this.groupExists = java.util.Objects.requireNonNull(exists, "exists");
  }

  private Profile checkGroups(Profile p) {
    return ProfileParser.checkGpus(ProfileParser.checkGroups(p, groupExists),
        repository.allNodes().stream().map(n -> n.gpuInfo().size()).toList());
  }

  public void install(JavalinConfig config) {
    var r = config.routes;
    for (String read : READS) r.before(read, this::requireReader);
    r.get("/livez", ctx -> ctx.result("ok"));
    r.get("/health-check", this::health);
    r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    r.post("/register-node", this::registerNode);
    r.get("/available-nodes", this::availableNodes);
    r.post("/select-nodes", this::selectNodes);
    r.get("/all-nodes", this::allNodes);
    r.get("/jupyterhub-nodes", this::jupyterhubNodes);
    r.get("/profiles", this::listProfiles);
    r.post("/profiles", this::createProfile);
    r.get("/profiles/{id}", ctx -> json(ctx, 200, MAPPER.valueToTree(profileOr404(ctx.pathParam("id")))));
    r.put("/profiles/{id}", this::updateProfile);
    r.delete("/profiles/{id}", this::deleteProfile);
    r.get("/reservations", this::reservations);
    r.post("/reservations/{owner}/bind", this::bindReservation);
    r.delete("/reservations/{owner}", this::releaseReservation);
  }

  /** Every reservation, every live node's allocation (GPU holders included) and the queue. */
  private void reservations(Context ctx) {
    var engine = service.placement();
    ObjectNode body = MAPPER.createObjectNode();
    body.set("reservations", ReservationViews.list(engine.reservations()));
    body.set("nodes", ReservationViews.list(engine.allocations()));
    body.set("queue", ReservationViews.list(engine.queue()));
    json(ctx, 200, body);
  }

  /** Body {@code {"containers": {hostname: container_id}}} (optional): the holder's containers run. */
  private void bindReservation(Context ctx) {
    guard.require(ctx);
    String owner = ctx.pathParam("owner");
    var body = JsonBodies.readOrEmpty(ctx);
    java.util.Map<String, String> containers = new java.util.HashMap<>();
    var given = body.path("containers");
    if (!given.isMissingNode() && !given.isNull()) {
      if (!given.isObject()) throw new dev.gpuhub.wire.InvalidPayloadException("containers", "must be an object of hostname to container id");
      for (var it = given.fields(); it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().isTextual()) throw new dev.gpuhub.wire.InvalidPayloadException("containers." + e.getKey(), "must be a string");
        containers.put(e.getKey(), e.getValue().asText());
      }
    }
    var bound = service.placement().bind(owner, containers);
    if (bound.isEmpty()) throw new NotFoundException("no reservations held by '" + owner + "' (released or lapsed)");
    ObjectNode out = MAPPER.createObjectNode();
    out.set("reservations", ReservationViews.list(bound));
    json(ctx, 200, out);
  }

  private void releaseReservation(Context ctx) {
    guard.require(ctx);
    String owner = ctx.pathParam("owner");
    var released = service.placement().release(owner);
    if (released.isEmpty()) throw new NotFoundException("no reservations held by '" + owner + "'");
    json(ctx, 200, MAPPER.createObjectNode().put("status", "released").put("owner", owner).put("count", released.size()));
  }

  /** Lets only holders of the cluster's credentials read ({@link #READS}); 401 or 403 otherwise. */
  private void requireReader(Context ctx) {
    if (ctx.method() != io.javalin.http.HandlerType.GET && ctx.method() != io.javalin.http.HandlerType.HEAD) return;
    if (trust != null && TrustRoutes.hasClientCertificate(ctx)) return;
    String header = ctx.header("Authorization");
    if (header != null && header.regionMatches(true, 0, "token ", 0, 6) && adminToken.test(header.substring(6).strip())) {
      AgentTokenGuard.requireSecureTransport(ctx); // a token crosses no network in clear
      return;
    }
    guard.require(ctx);
  }

  /** The stores' health: ok or degraded for anyone, with the stores' details for the cluster's credential holders. */
  private void health(Context ctx) {
    StoreHealthProbe durableProbe = durableHealth;
    StoreHealthProbe liveProbe = this.liveHealth;
    StoreHealth durable = durableProbe == null ? repository.health() : durableProbe.current();
    StoreHealth liveHealth = liveProbe == null ? live.health() : liveProbe.current();
    boolean ok = durable.ok() && liveHealth.ok();
    ObjectNode body = MAPPER.createObjectNode();
    body.put("status", ok ? "ok" : "degraded");
    boolean reader;
    try {
      requireReader(ctx);
      reader = true;
    } catch (RuntimeException anonymous) {
      reader = false;
    }
    if (reader) {
      ObjectNode database = MAPPER.valueToTree(durable);
      java.time.Instant lastWrite = repository.lastWrite();
      database.put("last_write", lastWrite == null ? null : lastWrite.toString());
      if (durableProbe != null) database.put("checked_at", durableProbe.answeredAt().toString());
      long[] buffer = service.heartbeatBuffer();
      database.put("heartbeats_buffered", buffer[0]);
      database.put("heartbeats_lost", buffer[1]);
      body.set("database", database);
      ObjectNode liveState = MAPPER.valueToTree(liveHealth);
      if (liveProbe != null) liveState.put("checked_at", liveProbe.answeredAt().toString());
      body.set("live_state", liveState);
    }
    json(ctx, ok ? 200 : 503, body);
  }

  private void registerNode(Context ctx) {
    NodeReport report;
    try {
      // a node's certificate (cluster port) speaks for its own host name only; else the shared token
      boolean certified = trust != null && TrustRoutes.hasClientCertificate(ctx);
      if (!certified) guard.require(ctx);
      report = NodeReportParser.parse(JsonBodies.read(ctx));
      if (certified) trust.nodeCertificate(ctx, report.hostname());
    } catch (RuntimeException e) {
      metrics.heartbeatRejected();
      throw e;
    }
    boolean durable = service.ingest(report);
    ObjectNode body = MAPPER.createObjectNode()
        .put("status", "ok")
        .put("hostname", report.hostname())
        .put("load_score", service.loadScore(report));
    if (!durable) body.put("warning", "durable store is behind; this heartbeat's metric row was dropped");
    json(ctx, 200, body);
  }

  private void availableNodes(Context ctx) {
    int count = QueryParams.integer(ctx, "count", 1, 1, 1000);
    SelectionAlgorithm algorithm = QueryParams.algorithm(ctx);
    boolean gpu = QueryParams.bool(ctx, "gpu", false);
    DiscoveryService.Availability a = service.available(count, algorithm, gpu);
    ObjectNode body = MAPPER.createObjectNode();
    ArrayNode all = body.putArray("all_available_nodes");
    for (var s : service.rankAll(a.live())) all.add(NodeViews.scored(s));
    ObjectNode lb = body.putObject("load_balancing");
    lb.put("algorithm", a.algorithm().wireName());
    lb.put("requested_count", a.requested());
    lb.put("round_robin_counter", a.roundRobinCounter());
    lb.put("selected_count", a.outcome() == null ? 0 : a.outcome().selected().size());
    if (a.selectionError() != null) lb.put("error", a.selectionError());
    body.set("selected_nodes", a.outcome() == null ? MAPPER.createArrayNode() : NodeViews.scoredList(a.outcome().selected()));
    body.put("total_available_nodes", a.live().size());
    json(ctx, 200, body);
  }

  private void selectNodes(Context ctx) {
    guard.require(ctx);
    SelectCommand command = SelectCommandParser.parse(JsonBodies.read(ctx));
    DiscoveryService.Selection s = service.select(command);
    ObjectNode body = MAPPER.createObjectNode();
    body.put("status", "ok");
    body.put("count", s.placement().reservations().size());
    body.set("selected_nodes", NodeViews.scoredList(s.selected()));
    body.put("primary_node", s.placement().primary().hostname());
    body.put("profile", s.profile().name());
    body.put("algorithm", s.policy().wireName());
    body.put("selection_id", s.record().id());
    body.set("reservation", ReservationViews.placement(s.placement()));
    json(ctx, 200, body);
  }

  private void allNodes(Context ctx) {
    ObjectNode body = MAPPER.createObjectNode();
    ArrayNode nodes = body.putArray("nodes");
    var all = repository.allNodes();
    for (NodeRecord n : all) nodes.add(MAPPER.<JsonNode>valueToTree(n));
    body.put("total_nodes", all.size());
    body.put("active_nodes", all.stream().filter(NodeRecord::isActive).count());
    json(ctx, 200, body);
  }

  private void jupyterhubNodes(Context ctx) {
    String ref = ctx.queryParam("profile");
    Profile profile = ref == null || ref.isBlank() ? null : profileOr404(ref);
    ObjectNode body = MAPPER.createObjectNode();
    if (profile != null) body.put("profile", profile.name());
    ArrayNode nodes = body.putArray("nodes");
    int eligible = 0;
    for (EligibleNode e : service.eligibility(profile)) {
      ObjectNode n = NodeViews.scored(e.scored());
      n.put("eligible", e.eligible());
      if (!e.eligible()) n.put("rejection_reason", e.rejectionReason());
      nodes.add(n);
      if (e.eligible()) eligible++;
    }
    body.put("total_nodes", nodes.size());
    body.put("eligible_nodes", eligible);
    json(ctx, 200, body);
  }

  private void listProfiles(Context ctx) {
    ObjectNode body = MAPPER.createObjectNode();
    body.set("profiles", MAPPER.valueToTree(repository.profiles()));
    json(ctx, 200, body);
  }

  private void createProfile(Context ctx) {
    guard.require(ctx);
    Profile created = repository.createProfile(checkGroups(ProfileParser.forCreate(JsonBodies.read(ctx))));
    json(ctx, 201, MAPPER.valueToTree(created));
  }

  private void updateProfile(Context ctx) {
    guard.require(ctx);
    Profile existing = profileOr404(ctx.pathParam("id"));
    Profile merged = checkGroups(ProfileParser.forUpdate(JsonBodies.read(ctx), existing));
    Profile updated = repository.updateProfile(merged)
        .orElseThrow(() -> new NotFoundException("profile " + existing.id() + " no longer exists"));
    json(ctx, 200, MAPPER.valueToTree(updated));
  }

  private void deleteProfile(Context ctx) {
    guard.require(ctx);
    Profile existing = profileOr404(ctx.pathParam("id"));
    if (!repository.deleteProfile(existing.id())) {
      throw new NotFoundException("profile " + existing.id() + " no longer exists");
    }
    json(ctx, 200, MAPPER.createObjectNode().put("status", "deleted").put("id", existing.id()).put("name", existing.name()));
  }

  private Profile profileOr404(String ref) {
    return service.profile(ref).orElseThrow(() -> new NotFoundException("profile '" + ref + "' does not exist"));
  }

  private static void json(Context ctx, int status, JsonNode body) {
    ApiErrors.send(ctx, status, body);
  }
}
