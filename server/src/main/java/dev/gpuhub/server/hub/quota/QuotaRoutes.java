package dev.gpuhub.server.hub.quota;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.core.quota.Quota;
import dev.gpuhub.core.quota.Usage;
import dev.gpuhub.server.http.JsonBodies;
import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.store.HubRepository;
import dev.gpuhub.store.QuotaRecord;
import dev.gpuhub.wire.JsonFields;
import dev.gpuhub.wire.WireJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quotas and usage over HTTP:
 * <ul>
 *   <li>{@code GET /hub/api/quotas} (admins): every quota;</li>
 *   <li>{@code PUT /hub/api/quotas/users/<name>} and {@code /groups/<name>} (admins)
 *       {@code {max_gpus, max_servers, gpu_hours}}, each a number or null for no limit: 200; 404
 *       for an unknown user or group; 400 naming a bad field;</li>
 *   <li>{@code DELETE} of either (admins): 204, or 404 when there was none;</li>
 *   <li>{@code GET /hub/api/users/<name>/usage} (the user or an admin): this period's GPU-hours and
 *       guaranteed core-hours, and the quotas that apply;</li>
 *   <li>{@code GET /hub/api/usage} (admins): per user and per group; {@code ?format=csv} (or
 *       {@code /hub/api/usage.csv}): one row per server start in the period.</li>
 * </ul>
 */
public final class QuotaRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(QuotaRoutes.class);
  private static final Set<String> FIELDS = Set.of("max_gpus", "max_servers", "gpu_hours");
  private final HubIdentity identity;
  private final HubRepository hub;
  private final QuotaService quotas;

  public QuotaRoutes(HubIdentity identity, HubRepository hub, QuotaService quotas) {
    this.identity = identity;
    this.hub = hub;
    this.quotas = quotas;
  }

  public void install(JavalinConfig c) {
    c.routes.get("/hub/api/quotas", ctx -> {
      identity.requireAdmin(ctx);
      ArrayNode out = WireJson.mapper().createArrayNode();
      for (QuotaRecord r : hub.quotas()) out.add(view(r));
      ctx.json(out);
    });
    c.routes.put("/hub/api/quotas/users/{name}", ctx -> put(ctx, QuotaRecord.USER));
    c.routes.put("/hub/api/quotas/groups/{name}", ctx -> put(ctx, QuotaRecord.GROUP));
    c.routes.delete("/hub/api/quotas/users/{name}", ctx -> delete(ctx, QuotaRecord.USER));
    c.routes.delete("/hub/api/quotas/groups/{name}", ctx -> delete(ctx, QuotaRecord.GROUP));
    c.routes.get("/hub/api/users/{name}/usage", this::userUsage);
    c.routes.get("/hub/api/usage", ctx -> {
      identity.requireAdmin(ctx);
      if ("csv".equals(ctx.queryParam("format"))) csv(ctx);
      else ctx.json(allUsage());
    });
    c.routes.get("/hub/api/usage.csv", ctx -> {
      identity.requireAdmin(ctx);
      csv(ctx);
    });
  }

  private void put(Context ctx, String scope) {
    HubIdentity.User admin = identity.requireAdmin(ctx);
    identity.checkXsrf(ctx);
    String name = ctx.pathParam("name");
    boolean exists = scope.equals(QuotaRecord.USER) ? hub.findUser(name).isPresent() : hub.group(name).isPresent();
    if (!exists) throw new NotFoundResponse(scope + " '" + name + "' does not exist");
    JsonFields f = JsonFields.of(JsonBodies.read(ctx), null).acceptOnly(FIELDS);
    Long gpus = f.nullableLong("max_gpus", 0, 10_000);
    Long servers = f.nullableLong("max_servers", 0, 10_000);
    Double hours = f.nullableDouble("gpu_hours", 0, 1e8);
    QuotaRecord r = new QuotaRecord(scope, name, new Quota(gpus == null ? null : gpus.intValue(),
        servers == null ? null : servers.intValue(), hours));
    hub.setQuota(r);
    LOG.atInfo().addKeyValue("scope", scope).addKeyValue("name", name).addKeyValue("quota", r.quota())
        .addKeyValue("by", admin.name()).log("quota set");
    ctx.json(view(r));
  }

  private void delete(Context ctx, String scope) {
    HubIdentity.User admin = identity.requireAdmin(ctx);
    identity.checkXsrf(ctx);
    String name = ctx.pathParam("name");
    if (!hub.deleteQuota(scope, name)) throw new NotFoundResponse(scope + " '" + name + "' has no quota");
    LOG.atInfo().addKeyValue("scope", scope).addKeyValue("name", name).addKeyValue("by", admin.name()).log("quota removed");
    ctx.status(204);
  }

  private void userUsage(Context ctx) {
    String name = ctx.pathParam("name");
    identity.requireOwnerOrAdmin(ctx, name);
    Instant[] b = quotas.bounds();
    double[] used = quotas.usageByUser().getOrDefault(name, new double[2]);
    ObjectNode out = periodHeader(b).put("user", name).put("gpu_hours", round(used[0])).put("core_hours", round(used[1]));
    ObjectNode applies = out.putObject("quotas");
    for (Map.Entry<String, Quota> e : quotas.quotasOf(name).entrySet()) applies.set(e.getKey(), quotaJson(e.getValue()));
    ctx.json(out);
  }

  /** This period's GPU-hours and core-hours per user and per group. */
  public ObjectNode allUsage() {
    ObjectNode out = periodHeader(quotas.bounds());
    ObjectNode users = out.putObject("users");
    quotas.usageByUser().forEach((u, t) -> users.putObject(u).put("gpu_hours", round(t[0])).put("core_hours", round(t[1])));
    ObjectNode groups = out.putObject("groups");
    quotas.usageByGroup().forEach((g, t) -> groups.putObject(g).put("gpu_hours", round(t[0])).put("core_hours", round(t[1])));
    return out;
  }

  private void csv(Context ctx) {
    Instant[] b = quotas.bounds();
    StringBuilder s = new StringBuilder("user,server,profile,gpus,cores,started_at,ended_at,gpu_hours_in_period,core_hours_in_period\n");
    for (Usage u : quotas.records()) {
      s.append(cell(u.user())).append(',').append(cell(u.server())).append(',').append(cell(u.profile())).append(',')
          .append(u.gpus()).append(',').append(u.cores()).append(',').append(u.startedAt()).append(',')
          .append(u.endedAt() == null ? "" : u.endedAt().toString()).append(',')
          .append(round(u.gpuSecondsWithin(b[0], b[2]) / 3600)).append(',')
          .append(round(u.coreSecondsWithin(b[0], b[2]) / 3600)).append('\n');
    }
    ctx.header("Content-Disposition", "attachment; filename=\"gpuhub-usage-" + b[0].toString().substring(0, 10) + ".csv\"");
    ctx.contentType("text/csv; charset=utf-8").result(s.toString());
  }

  /** A CSV cell: names are plain, but a value starting with a formula character is neutralised for spreadsheets. */
  private static String cell(String v) {
    if (v == null) return "";
    String safe = v.replace("\"", "\"\"");
    if (!safe.isEmpty() && "=+-@".indexOf(safe.charAt(0)) >= 0) safe = "'" + safe;
    return safe.contains(",") || safe.contains("\"") ? "\"" + safe + "\"" : safe;
  }

  private ObjectNode periodHeader(Instant[] b) {
    return WireJson.mapper().createObjectNode().put("period", quotas.period().name().toLowerCase(Locale.ROOT))
        .put("period_start", b[0].toString()).put("period_end", b[1].toString());
  }

  private static ObjectNode view(QuotaRecord r) {
    return quotaJson(r.quota()).put("scope", r.scope()).put("name", r.name());
  }

  private static ObjectNode quotaJson(Quota q) {
    ObjectNode o = WireJson.mapper().createObjectNode();
    if (q.maxGpus() == null) o.putNull("max_gpus"); else o.put("max_gpus", q.maxGpus());
    if (q.maxServers() == null) o.putNull("max_servers"); else o.put("max_servers", q.maxServers());
    if (q.gpuHours() == null) o.putNull("gpu_hours"); else o.put("gpu_hours", q.gpuHours());
    return o;
  }

  /** "3.25 GPU-hours this month (budget 10)" for a user's home page; the tightest budget that applies. */
  public String homeLine(String user) {
    double used = quotas.usageByUser().getOrDefault(user, new double[2])[0];
    Double budget = quotas.quotasOf(user).values().stream().map(Quota::gpuHours).filter(java.util.Objects::nonNull)
        .min(Double::compare).orElse(null);
    return String.format(Locale.ROOT, "%.2f GPU-hours this %s", used, quotas.period().name().toLowerCase(Locale.ROOT))
        + (budget == null ? "" : " (budget " + num(budget) + ")");
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
