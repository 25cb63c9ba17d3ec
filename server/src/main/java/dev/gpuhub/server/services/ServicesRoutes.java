package dev.gpuhub.server.services;

import static dev.gpuhub.server.hub.web.Html.esc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.core.service.ServiceSpec;
import dev.gpuhub.server.discovery.NotFoundException;
import dev.gpuhub.server.http.JsonBodies;
import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.server.hub.web.Html;
import dev.gpuhub.store.ServiceRepository;
import dev.gpuhub.wire.WireJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;

/**
 * Admin API and page of replicated services: {@code GET|POST /hub/api/services},
 * {@code GET|PATCH|DELETE /hub/api/services/<name>}, and {@code /hub/services} (declare, bounds,
 * placement and per-replica request rates). Admins only; writes need the XSRF token.
 */
public final class ServicesRoutes {
  private static final ObjectMapper MAPPER = WireJson.mapper();
  private final HubIdentity identity;
  private final ServiceRepository repository;
  private final ServiceController controller;
  private final ServiceRouter router;
  private final RequestMeter meter;

  public ServicesRoutes(HubIdentity identity, ServiceRepository repository, ServiceController controller,
                        ServiceRouter router, RequestMeter meter) {
    this.identity = identity;
    this.repository = repository;
    this.controller = controller;
    this.router = router;
    this.meter = meter;
  }

  public void install(JavalinConfig c) {
    var r = c.routes;
    r.get("/hub/api/services", this::list);
    r.post("/hub/api/services", this::create);
    r.get("/hub/api/services/{name}", ctx -> {
      identity.requireAdmin(ctx);
      ctx.json(view(find(ctx.pathParam("name"))));
    });
    r.patch("/hub/api/services/{name}", this::update);
    r.delete("/hub/api/services/{name}", this::delete);
    r.get("/hub/services", this::page);
  }

  private void list(Context ctx) {
    identity.requireAdmin(ctx);
    ObjectNode body = MAPPER.createObjectNode();
    ArrayNode services = body.putArray("services");
    for (ServiceSpec s : repository.all()) services.add(view(s));
    ServiceController.Pass last = controller.lastPass();
    if (last != null) body.set("last_pass", MAPPER.valueToTree(last));
    ctx.json(body);
  }

  private void create(Context ctx) {
    identity.requireAdmin(ctx);
    identity.checkXsrf(ctx);
    ServiceSpec spec = ServiceBodies.forCreate(JsonBodies.read(ctx));
    repository.create(spec);
    ctx.status(201).json(view(spec));
  }

  private void update(Context ctx) {
    identity.requireAdmin(ctx);
    identity.checkXsrf(ctx);
    ServiceSpec merged = ServiceBodies.forUpdate(JsonBodies.read(ctx), find(ctx.pathParam("name")));
    if (!repository.update(merged)) throw new NotFoundException("service '" + merged.name() + "' no longer exists");
    ctx.json(view(merged));
  }

  private void delete(Context ctx) {
    identity.requireAdmin(ctx);
    identity.checkXsrf(ctx);
    String name = ctx.pathParam("name");
    if (!repository.delete(name)) throw new NotFoundException("service '" + name + "' does not exist");
    controller.stopService(name);
    ctx.status(204);
  }

  private ServiceSpec find(String name) {
    return repository.find(name).orElseThrow(() -> new NotFoundException("service '" + name + "' does not exist"));
  }

  private ObjectNode view(ServiceSpec s) {
    ObjectNode n = MAPPER.valueToTree(s);
    n.put("scalable", s.scalable());
    n.put("url", "/svc/" + s.name() + "/");
    Map<String, Double> rates = meter.replicaRates();
    ArrayNode replicas = n.putArray("replicas");
    double total = 0;
    for (ServiceReplica r : controller.current(s.name())) {
      double rate = rates.getOrDefault(r.key(), 0.0);
      total += rate;
      replicas.addObject().put("index", r.index()).put("node", r.hostname()).put("port", r.port())
          .put("ready", router.ready(s.name()).contains(r)).put("requests_per_second", rate)
          .put("open_requests", router.inFlight(r));
    }
    n.put("requests_per_second", total);
    return n;
  }

  private void page(Context ctx) {
    HubIdentity.User user = identity.requireAdmin(ctx);
    String xsrf = identity.xsrfToken(ctx);
    StringBuilder b = new StringBuilder("<h1>Services</h1><table id=\"services\"><tr><th>Name</th><th>Image</th>"
        + "<th>Per replica</th><th>Target req/s per replica</th><th>Replicas (min-max)</th><th>Strategy</th>"
        + "<th>Placement: node (req/s, open)</th><th></th></tr>");
    Map<String, Double> rates = meter.replicaRates();
    for (ServiceSpec s : repository.all()) {
      StringBuilder placement = new StringBuilder();
      for (ServiceReplica r : controller.current(s.name())) {
        placement.append(esc(r.hostname())).append(" (").append(String.format(Locale.ROOT, "%.1f", rates.getOrDefault(r.key(), 0.0)))
            .append(", ").append(router.inFlight(r)).append(")<br>");
      }
      b.append("<tr><td><a href=\"/svc/").append(esc(s.name())).append("/\">").append(esc(s.name())).append("</a></td><td>")
          .append(esc(s.image())).append("</td><td>").append(s.cpuMillicores()).append(" m, ").append(s.memoryMb())
          .append(" MB</td><td>").append(s.requestThreshold()).append("</td><td>").append(controller.current(s.name()).size())
          .append(" (").append(s.minReplicas()).append('-').append(s.maxReplicas()).append(")</td><td>").append(esc(s.strategy()))
          .append("</td><td>").append(placement).append("</td><td><form class=\"bounds\" data-service=\"").append(esc(s.name()))
          .append("\">min <input name=\"min\" size=\"3\" value=\"").append(s.minReplicas()).append("\"> max <input name=\"max\" size=\"3\" value=\"")
          .append(s.maxReplicas()).append("\"> <button>Set bounds</button></form>")
          .append(dev.gpuhub.server.hub.web.PageActions.button(null, "Delete", "DELETE", "/hub/api/services/" + s.name(),
              "Delete " + s.name() + "?")).append("</td></tr>");
    }
    b.append("</table><h2>Declare a service</h2><form id=\"declare\">")
        .append("name <input name=\"name\" required> image <input name=\"image\" required> command <input name=\"command\" placeholder=\"uses {port}\"> ")
        .append("cpu millicores <input name=\"cpu_millicores\" value=\"100\" size=\"5\"> memory MB <input name=\"memory_mb\" value=\"128\" size=\"5\"> ")
        .append("target req/s per replica <input name=\"request_threshold\" value=\"100\" size=\"5\"> min <input name=\"min_replicas\" value=\"1\" size=\"3\"> ")
        .append("max <input name=\"max_replicas\" value=\"4\" size=\"3\"> <select name=\"strategy\"><option>round_robin</option>")
        .append("<option>least_connections</option></select> <button>Declare</button></form><p id=\"err\" class=\"error\"></p>")
        .append(dev.gpuhub.server.hub.web.PageActions.script(xsrf))
        .append("<script>const X=document.getElementById('page-actions').dataset.xsrf;async function call(m,u,b){const r=await fetch(u,{method:m,")
        .append("headers:{'Content-Type':'application/json','X-XSRFToken':X},body:b?JSON.stringify(b):undefined});")
        .append("if(!r.ok){document.getElementById('err').textContent=(await r.json()).error;return false;}location.reload();return false;}")
        .append("document.getElementById('declare').addEventListener('submit',e=>{e.preventDefault();const d=Object.fromEntries(new FormData(e.target));")
        .append("for(const k of ['cpu_millicores','memory_mb','request_threshold','min_replicas','max_replicas'])d[k]=Number(d[k]);")
        .append("call('POST','/hub/api/services',d);});")
        .append("for(const f of document.querySelectorAll('form.bounds'))f.addEventListener('submit',e=>{e.preventDefault();")
        .append("call('PATCH','/hub/api/services/'+encodeURIComponent(f.dataset.service),{min_replicas:Number(f.min.value),max_replicas:Number(f.max.value)});});")
        .append("</script>");
    ctx.html(Html.page("Services", user.name(), true, b.toString()));
  }
}
