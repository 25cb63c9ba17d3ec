package dev.gpuhub.server.hub.web;

import static dev.gpuhub.server.hub.web.Html.esc;

import dev.gpuhub.core.allocation.NodeAllocation;
import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.allocation.QueueEntry;
import dev.gpuhub.core.node.NodeMetricRecord;
import dev.gpuhub.core.node.NodeRecord;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.server.discovery.DiscoveryService;
import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.server.hub.proxy.RouteTable;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.ServerState;
import dev.gpuhub.server.hub.spawn.Spawner;
import dev.gpuhub.store.ClusterRepository;
import dev.gpuhub.store.HubRepository;
import dev.gpuhub.store.HubUserRecord;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code /hub/home} (the user's server, start/stop) and {@code /hub/admin} (users, servers, nodes). */
public final class HomeAdminRoutes {
  private final HubIdentity identity;
  private final Spawner spawner;
  private final RouteTable routes;
  private final DiscoveryService discovery;
  private final PlacementEngine engine;
  private final ClusterRepository cluster;
  private final HubRepository hub;

  public HomeAdminRoutes(HubIdentity identity, Spawner spawner, RouteTable routes, DiscoveryService discovery,
                         PlacementEngine engine, ClusterRepository cluster, HubRepository hub) {
    this.engine = engine;
    this.identity = identity;
    this.spawner = spawner;
    this.routes = routes;
    this.discovery = discovery;
    this.cluster = cluster;
    this.hub = hub;
  }

  /** What each user's home page says of their usage, and the admin page's usage table (none until set). */
  private volatile java.util.function.Function<String, String> usageLine = user -> null;
  private volatile java.util.function.Supplier<com.fasterxml.jackson.databind.node.ObjectNode> usageTable = () -> null;

  private volatile java.util.function.Supplier<String> profilesSection = () -> "";
  private volatile java.util.function.Function<String, String> notices = user -> "";

  /** Sets the notices shown atop each user's home page (HTML; see {@link GpuNoticeRoutes#banner}). */
  public void notices(java.util.function.Function<String, String> banner) {
    this.notices = banner;
  }

  /** Sets the admin page's profiles section (see {@link ProfileAdminRoutes#section}). */
  public void profiles(java.util.function.Supplier<String> section) {
    this.profilesSection = section;
  }

  /** Sets where the pages read usage from (the hub's quotas). */
  public void usage(java.util.function.Function<String, String> line,
                    java.util.function.Supplier<com.fasterxml.jackson.databind.node.ObjectNode> table) {
    this.usageLine = line;
    this.usageTable = table;
  }

  public void install(JavalinConfig c) {
    c.routes.get("/hub/home", this::home);
    c.routes.get("/hub/admin", this::admin);
  }

  private void home(Context ctx) {
    HubIdentity.User user = identity.requireUser(ctx);
    String xsrf = identity.xsrfToken(ctx);
    Optional<ActiveServer.Snapshot> s = spawner.server(user.name()).map(ActiveServer::snapshot);
    StringBuilder b = new StringBuilder("<h1>Your server</h1>");
    b.append(notices.apply(user.name()));
    if (s.isPresent() && s.get().state() == ServerState.RUNNING) {
      b.append("<p class=\"ok\">Running on ").append(esc(s.get().primaryHostname())).append(" (profile ")
          .append(esc(s.get().profile())).append(", since ").append(esc(time(s.get().startedAt()))).append(")</p>")
          .append("<p><a id=\"open\" href=\"").append(esc(s.get().url())).append("\">Open my server</a></p>")
          .append(stopButton(user.name(), "stop", "Stop server"));
    } else if (s.isPresent() && s.get().state() == ServerState.PENDING) {
      Optional<QueueEntry> queued = spawner.placements().queued(s.get().id());
      b.append("<p>Starting... <a href=\"/hub/spawn-pending/").append(esc(user.name())).append("\">follow progress</a></p>");
      queued.ifPresent(q -> b.append("<p id=\"queue\">Waiting for room: position ").append(q.position()).append(" of ")
          .append(q.queueLength()).append(q.estimatedSeconds() == null ? "" : ", about " + q.estimatedSeconds() + " s")
          .append("</p>"));
      b.append(stopButton(user.name(), "stop", "Cancel"));
    } else {
      if (s.isPresent() && s.get().state() == ServerState.FAILED) {
        b.append("<p class=\"error\">Last start failed: ").append(esc(s.get().failureReason())).append("</p>");
      }
      b.append("<p>No server running. <a id=\"start\" href=\"/hub/spawn\">Start my server</a></p>");
    }
    appendGpus(b, user.name());
    appendNamedServers(b, user.name());
    String usage = usageLine.apply(user.name());
    if (usage != null) b.append("<p id=\"usage\">Your use: ").append(esc(usage)).append("</p>");
    b.append(HomesPage.userSection(user.name()));
    b.append(PageActions.script(xsrf));
    ctx.html(Html.page("Home", user.name(), user.admin(), b.toString()));
  }

  /**
   * The user's named servers (each with its state, profile, node, link and stop button) and a field
   * to start another by name, when the hub allows named servers.
   */
  private void appendNamedServers(StringBuilder b, String user) {
    int limit = spawner.namedServerLimit();
    if (limit == 0) return;
    List<ActiveServer.Snapshot> named = spawner.serversOf(user).stream().map(ActiveServer::snapshot)
        .filter(s -> !s.server().isEmpty() && s.state() != ServerState.STOPPED).toList();
    b.append("<h2>Named servers</h2><table id=\"named-servers\"><tr><th>Name</th><th>State</th><th>Profile</th>")
        .append("<th>Node</th><th></th></tr>");
    for (ActiveServer.Snapshot s : named) {
      String state = s.state().name().toLowerCase(Locale.ROOT);
      String link = s.state() == ServerState.RUNNING ? "<a id=\"open-" + esc(s.server()) + "\" href=\"" + esc(s.url()) + "\">Open</a>"
          : s.state() == ServerState.PENDING ? "<a href=\"" + esc(SpawnRoutes.pendingUrl(s.id())) + "\">follow progress</a>"
          : esc(s.failureReason() == null ? "" : s.failureReason());
      b.append("<tr><td>").append(esc(s.server())).append("</td><td>").append(esc(state)).append("</td><td>")
          .append(esc(s.profile())).append("</td><td>").append(esc(s.primaryHostname() == null ? "-" : s.primaryHostname()))
          .append("</td><td>").append(link).append(" ")
          .append(s.state().isActive() ? PageActions.button("stop-" + s.server(), "Stop", "DELETE", SpawnRoutes.apiUrl(s.id()), null) : "")
          .append("</td></tr>");
    }
    b.append("</table><form id=\"new-named\" data-user=\"").append(esc(user)).append("\"><label>New server named <input name=\"server\" id=\"named-server-name\" ")
        .append("pattern=\"[a-z0-9][a-z0-9-]{0,31}\" maxlength=\"32\"></label> <input type=\"submit\" id=\"start-named\" ")
        .append("value=\"Choose a profile\"> <span class=\"muted\">up to ").append(limit).append(" besides your default server</span></form>")
        .append("<script>document.getElementById('new-named').addEventListener('submit',e=>{e.preventDefault();")
        .append("const f=e.target,n=f.elements.server.value.trim();if(n)window.location='/hub/spawn/'")
        .append("+encodeURIComponent(f.dataset.user)+'/'+encodeURIComponent(n);});</script>");
  }

  private void admin(Context ctx) {
    HubIdentity.User user = identity.requireAdmin(ctx);
    String xsrf = identity.xsrfToken(ctx);
    Map<dev.gpuhub.core.hub.ServerId, ActiveServer> servers = spawner.servers();
    StringBuilder b = new StringBuilder("<h1>Admin</h1><h2>Users</h2><table id=\"users\"><tr><th>Name</th><th>Admin</th>"
        + "<th>Server</th><th>Last login</th><th></th></tr>");
    List<HubUserRecord> users = new java.util.ArrayList<>(hub.users());
    users.sort(java.util.Comparator.comparing(HubUserRecord::approved)); // those waiting for approval first
    for (HubUserRecord u : users.subList(0, Math.min(users.size(), MAX_USER_ROWS))) {
      ActiveServer server = servers.get(dev.gpuhub.core.hub.ServerId.defaultOf(u.name()));
      String state = !u.approved() ? "waiting for approval"
          : server == null ? "-" : server.snapshot().state().name().toLowerCase(Locale.ROOT);
      b.append("<tr><td>").append(esc(u.name())).append("</td><td>").append(u.admin() ? "yes" : "")
          .append("</td><td>").append(esc(state)).append("</td><td>").append(esc(u.lastLogin() == null ? "-" : time(u.lastLogin())))
          .append("</td><td>").append(u.approved() ? "" : PageActions.button("approve-" + u.name(), "Approve", "POST",
              "/hub/api/users/" + u.name() + "/approve", null) + " ")
          .append(u.name().equals(user.name()) ? "" : deleteUserButton(u.name())).append("</td></tr>");
    }
    if (users.size() > MAX_USER_ROWS) {
      b.append("<tr><td colspan=\"5\" id=\"more-users\">").append(MAX_USER_ROWS).append(" of ").append(users.size())
          .append(" users; page through all of them with GET /hub/api/users?offset=...&amp;limit=...</td></tr>");
    }
    b.append("</table><h2>Running servers</h2><table id=\"servers\"><tr><th>User</th><th>State</th><th>Node</th>"
        + "<th>Profile</th><th>Since</th><th>Last activity</th><th>Containers</th><th></th></tr>");
    for (ActiveServer server : servers.values()) {
      ActiveServer.Snapshot s = server.snapshot();
      if (!s.state().isActive()) continue;
      b.append("<tr><td>").append(esc(s.id().compact())).append("</td><td>").append(esc(s.state().name().toLowerCase(Locale.ROOT)))
          .append("</td><td>").append(esc(s.primaryHostname())).append("</td><td>").append(esc(s.profile()))
          .append("</td><td>").append(esc(time(s.startedAt()))).append("</td><td>")
          .append(esc(routes.lastActivity(s.id()).map(HomeAdminRoutes::time).orElse("-")))
          .append("</td><td>").append(containers(server)).append("</td><td>")
          .append(PageActions.button("stop-" + s.id().slug(), "Stop server", "DELETE", SpawnRoutes.apiUrl(s.id()), null))
          .append("</td></tr>");
    }
    b.append("</table><h2>Nodes</h2><table id=\"nodes\"><tr><th>Hostname</th><th>Status</th><th>IP</th><th>CPU %</th>"
        + "<th>Mem %</th><th>Containers</th><th>GPUs</th><th>Load (last metric rows)</th></tr>");
    Map<String, NodeReport> live = discovery.liveNodes().stream().collect(Collectors.toMap(NodeReport::hostname, n -> n));
    for (NodeRecord n : cluster.allNodes()) {
      NodeReport r = live.get(n.hostname());
      b.append("<tr><td>").append(esc(n.hostname())).append("</td><td>").append(r != null ? "live" : n.isActive() ? "silent" : "inactive")
          .append("</td><td>").append(esc(n.ip())).append("</td><td>").append(r == null ? "-" : esc(r.cpuUsagePercent()))
          .append("</td><td>").append(r == null ? "-" : esc(r.memoryUsagePercent())).append("</td><td>")
          .append(r == null ? "-" : r.totalContainers() + "/" + r.maxContainers()).append("</td><td>").append(n.gpuInfo().size())
          .append("</td><td>").append(sparkline(cluster.recentMetrics(n.hostname(), 60))).append("</td></tr>");
    }
    b.append("</table>");
    appendUsage(b);
    appendGpuUse(b);
    b.append(profilesSection.get());
    b.append(HomesPage.adminSection(xsrf));
    appendPlacement(b);
    b.append(PageActions.script(xsrf));
    ctx.html(Html.page("Admin", user.name(), true, b.toString()));
  }

  /** This period's GPU-hours and guaranteed core-hours per user and group, and the CSV link. */
  private void appendUsage(StringBuilder b) {
    var table = usageTable.get();
    if (table == null) return;
    b.append("<h2>Usage this ").append(esc(table.path("period").asText())).append(" (since ")
        .append(esc(table.path("period_start").asText())).append(")</h2><p><a id=\"usage-csv\" href=\"/hub/api/usage.csv\">")
        .append("Download as CSV</a></p><table id=\"usage\"><tr><th>User or group</th><th>GPU-hours</th>")
        .append("<th>Core-hours guaranteed</th></tr>");
    for (String kind : List.of("users", "groups")) {
      table.path(kind).fields().forEachRemaining(e -> b.append("<tr><td>").append(kind.equals("groups") ? "group " : "")
          .append(esc(e.getKey())).append("</td><td>").append(e.getValue().path("gpu_hours").asDouble()).append("</td><td>")
          .append(e.getValue().path("core_hours").asDouble()).append("</td></tr>"));
    }
    b.append("</table>");
  }

  /** Every container of a server, per node: the user's server, and kernel hosts or workers of multi-node ones. */
  private static String containers(ActiveServer server) {
    ActiveServer.Snapshot s = server.snapshot();
    StringBuilder b = new StringBuilder("<ul class=\"containers\">");
    if (s.primaryHostname() != null) {
      b.append("<li>").append(esc(s.primaryHostname())).append(": ").append(esc(Spawner.containerName(s.id())))
          .append(" (Jupyter UI").append(server.workerPort() != null ? ", head on port " + server.workerPort() : "")
          .append(")</li>");
    }
    for (var h : server.kernelHosts()) {
      b.append("<li>").append(esc(h.hostname())).append(": ")
          .append(esc(dev.gpuhub.server.hub.spawn.KernelHost.containerName(s.id(), h.hostname())))
          .append(" (kernel host").append(h.containerId() == null ? ", starting" : "").append(")</li>");
    }
    for (var w : server.workers()) {
      b.append("<li>").append(esc(w.hostname())).append(": ")
          .append(esc(dev.gpuhub.server.hub.spawn.WorkerMode.containerName(s.id(), w.hostname())))
          .append(" (worker").append(w.containerId() == null ? ", starting" : "").append(")</li>");
    }
    return b.append("</ul>").toString();
  }

  /** Who holds which GPU, every node's reserved share, and the queue with why each request waits. */
  private void appendPlacement(StringBuilder b) {
    b.append("<h2>GPU devices</h2><table id=\"gpus\"><tr><th>Node</th><th>GPU</th><th>Held by</th></tr>");
    int gpus = 0;
    for (NodeAllocation a : engine.allocations()) {
      int index = 0;
      for (Map.Entry<String, String> g : a.gpuHolders().entrySet()) {
        gpus++;
        b.append("<tr><td>").append(esc(a.hostname())).append("</td><td>#").append(index++).append(' ').append(esc(g.getKey()))
            .append("</td><td>").append(g.getValue() == null ? "free" : esc(holder(g.getValue()))).append("</td></tr>");
      }
    }
    if (gpus == 0) b.append("<tr><td colspan=\"3\">no GPUs reported</td></tr>");
    b.append("</table><h2>Reservations</h2><table id=\"allocations\"><tr><th>Node</th><th>Cores reserved</th>"
        + "<th>Memory reserved</th><th>Containers (incl. not yet reported)</th></tr>");
    for (NodeAllocation a : engine.allocations()) {
      b.append("<tr><td>").append(esc(a.hostname())).append("</td><td>").append(num(a.cpuReserved())).append(" / ")
          .append(num(a.cpuCapacity())).append("</td><td>").append(num(a.memoryReserved())).append(" / ")
          .append(num(a.memoryCapacity())).append(" GB</td><td>").append(a.containers()).append(" / ")
          .append(a.report().maxContainers()).append("</td></tr>");
    }
    b.append("</table><h2>Queue</h2><table id=\"queue\"><tr><th>#</th><th>Who</th><th>Profile</th><th>Waiting since</th>"
        + "<th>Estimate</th><th>Why pending</th></tr>");
    List<QueueEntry> queue = engine.queue();
    for (QueueEntry q : queue) {
      b.append("<tr><td>").append(esc(q.queueClass())).append(' ').append(q.position()).append("</td><td>")
          .append(esc(holder(q.owner()))).append("</td><td>").append(esc(q.profile())).append("</td><td>")
          .append(esc(time(q.since()))).append("</td><td>")
          .append(q.estimatedSeconds() == null ? "-" : "about " + q.estimatedSeconds() + " s").append("</td><td>")
          .append(esc(q.why().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; "))))
          .append("</td></tr>");
    }
    if (queue.isEmpty()) b.append("<tr><td colspan=\"6\">nobody waits</td></tr>");
    b.append("</table>");
  }

  /** A reservation owner as people read it: {@code server:alice} is alice. */
  static String holder(String owner) {
    return owner.startsWith("server:") ? owner.substring("server:".length()) : owner;
  }

  /** Most users the admin page lists (those waiting for approval first); the API pages through all. */
  static final int MAX_USER_ROWS = 200;

  private static String num(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** The stop button; on the home page ({@code id} "stop") with the page's click handler. */
  private static String stopButton(String owner, String id, String label) {
    return PageActions.button(id, label, "DELETE", SpawnRoutes.apiUrl(dev.gpuhub.core.hub.ServerId.defaultOf(owner)), null);
  }

  private static String deleteUserButton(String name) {
    return PageActions.button(null, "Delete user", "DELETE", "/hub/api/users/" + name, "Delete " + name + "?");
  }

  /** A time to the second, UTC, e.g. 2026-11-22 21:25:37 UTC. */
  static String time(java.time.Instant t) {
    return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", " UTC");
  }

  /** An inline SVG line of the load score history (oldest left), or "-" without data. */
  static String sparkline(List<NodeMetricRecord> newestFirst) {
    if (newestFirst.isEmpty()) return "-";
    List<Double> oldestFirst = new java.util.ArrayList<>();
    for (int i = newestFirst.size() - 1; i >= 0; i--) oldestFirst.add(newestFirst.get(i).loadScore());
    double max = Math.max(1, oldestFirst.stream().mapToDouble(Double::doubleValue).max().orElse(1));
    return sparkline(oldestFirst, max, "load score history");
  }

  /**
   * An inline SVG line of {@code oldestFirst} (scaled to {@code max}) followed by its last value,
   * or "-" without data.
   */
  static String sparkline(List<Double> oldestFirst, double max, String label) {
    if (oldestFirst.isEmpty()) return "-";
    int n = oldestFirst.size();
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < n; i++) {
      double x = n == 1 ? 0 : 120.0 * i / (n - 1);
      double y = 28 - 26 * oldestFirst.get(i) / max;
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    return "<svg width=\"122\" height=\"30\" role=\"img\" aria-label=\"" + esc(label) + "\"><polyline fill=\"none\" "
        + "stroke=\"#1f6feb\" stroke-width=\"1.5\" points=\"" + points.toString().trim() + "\"/></svg> "
        + String.format(Locale.ROOT, "%.1f", oldestFirst.get(n - 1));
  }

  /**
   * The GPUs of each of the user's servers that holds some: how many, utilisation now and per
   * minute over the last hour, GPU-hours held and held idle since it got them.
   */
  private void appendGpus(StringBuilder b, String user) {
    StringBuilder rows = new StringBuilder();
    for (ActiveServer server : spawner.serversOf(user)) {
      ActiveServer.Snapshot s = server.snapshot();
      var a = discovery.gpuActivity().of(Spawner.owner(s.id()));
      if (a.isEmpty()) continue;
      var act = a.get();
      rows.append("<tr data-server=\"").append(esc(s.server())).append("\"><td>")
          .append(esc(s.server().isEmpty() ? "default" : s.server())).append("</td><td>").append(act.gpuUuids().size())
          .append("</td><td>").append(act.busy() ? "in use" : "idle since " + esc(time(act.idleSince())))
          .append("</td><td>").append(act.utilisation() == null ? "-" : String.format(Locale.ROOT, "%.0f %%", act.utilisation()))
          .append("</td><td>").append(sparkline(act.lastHour(), 100, "GPU utilisation over the last hour"))
          .append("</td><td>").append(String.format(Locale.ROOT, "%.2f / %.2f", act.gpuSeconds() / 3600,
              act.idleGpuSeconds() / 3600)).append("</td></tr>");
    }
    if (rows.length() == 0) return;
    b.append("<h2>Your GPUs</h2><table id=\"my-gpus\"><tr><th>Server</th><th>GPUs</th><th>Now</th><th>Utilisation</th>")
        .append("<th>Last hour (%)</th><th>GPU-hours held / idle</th></tr>").append(rows).append("</table>");
  }

  /** GPU-hours held and held idle by each user's servers and each group's members, since the hub started. */
  private void appendGpuUse(StringBuilder b) {
    var byUser = dev.gpuhub.server.hub.spawn.GpuUse.byUser(discovery.gpuActivity().totals());
    b.append("<h2>GPUs held by people's servers (since the hub started)</h2><table id=\"gpu-use\"><tr><th>User or group</th>")
        .append("<th>GPU-hours held</th><th>held idle</th></tr>");
    Map<String, double[]> groups = new java.util.TreeMap<>();
    byUser.forEach((user, h) -> {
      b.append("<tr><td>").append(esc(user)).append("</td><td>").append(String.format(Locale.ROOT, "%.2f", h.heldHours()))
          .append("</td><td>").append(String.format(Locale.ROOT, "%.2f", h.idleHours())).append("</td></tr>");
      for (String g : hub.groupsOf(user)) {
        double[] sum = groups.computeIfAbsent(g, k -> new double[2]);
        sum[0] += h.heldHours();
        sum[1] += h.idleHours();
      }
    });
    groups.forEach((g, sum) -> b.append("<tr><td>group ").append(esc(g)).append("</td><td>")
        .append(String.format(Locale.ROOT, "%.2f", sum[0])).append("</td><td>")
        .append(String.format(Locale.ROOT, "%.2f", sum[1])).append("</td></tr>"));
    b.append("</table>");
  }
}
