package dev.gpuhub.server.hub.web;

import static dev.gpuhub.server.hub.web.Html.esc;

import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.discovery.NotFoundException;
import dev.gpuhub.server.discovery.ProfileParser;
import dev.gpuhub.server.http.JsonBodies;
import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.store.ClusterRepository;
import dev.gpuhub.store.HubRepository;
import dev.gpuhub.wire.WireJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Profiles for administrators signed in to the hub (the discovery API's {@code /profiles} needs the
 * cluster's credentials; this is the same contract behind an admin session, with XSRF):
 * <ul>
 *   <li>{@code GET /hub/api/profiles}: every profile, retired ones too;</li>
 *   <li>{@code POST /hub/api/profiles}: create (201); 400 naming the field (a limit below its
 *       guarantee, a bad number, an unknown group), 409 for a name in use; nothing is stored then;</li>
 *   <li>{@code PATCH /hub/api/profiles/<name>}: change any fields, {@code "retired": true|false} included (200);</li>
 *   <li>{@code DELETE /hub/api/profiles/<name>}: retires it (200): offered to nobody, no new starts;
 *       servers running on it keep it until they stop. Profiles are never deleted from here.</li>
 * </ul>
 * The admin page's "Profiles" section ({@link #section}) uses these routes.
 */
public final class ProfileAdminRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ProfileAdminRoutes.class);
  private final HubIdentity identity;
  private final ClusterRepository profiles;
  private final HubRepository hub;

  public ProfileAdminRoutes(HubIdentity identity, ClusterRepository profiles, HubRepository hub) {
    this.identity = identity;
    this.profiles = profiles;
    this.hub = hub;
  }

  public void install(JavalinConfig c) {
    c.routes.get("/hub/api/profiles", ctx -> {
      identity.requireAdmin(ctx);
      ctx.json(WireJson.mapper().valueToTree(profiles.profiles()));
    });
    c.routes.post("/hub/api/profiles", ctx -> {
      HubIdentity.User admin = identity.requireAdmin(ctx);
      identity.checkXsrf(ctx);
      Profile made = profiles.createProfile(checked(ProfileParser.forCreate(JsonBodies.read(ctx))));
      LOG.atInfo().addKeyValue("profile", made.name()).addKeyValue("by", admin.name()).log("profile created");
      ctx.status(201).json(WireJson.mapper().valueToTree(made));
    });
    c.routes.patch("/hub/api/profiles/{name}", ctx -> change(ctx, false));
    c.routes.delete("/hub/api/profiles/{name}", ctx -> change(ctx, true));
  }

  private void change(Context ctx, boolean retire) {
    HubIdentity.User admin = identity.requireAdmin(ctx);
    identity.checkXsrf(ctx);
    Profile existing = profiles.profileByName(ctx.pathParam("name"))
        .orElseThrow(() -> new NotFoundException("profile '" + ctx.pathParam("name") + "' does not exist"));
    Profile changed = retire ? existing.withRetired(true)
        : checked(ProfileParser.forUpdate(JsonBodies.read(ctx), existing));
    Profile saved = profiles.updateProfile(changed)
        .orElseThrow(() -> new NotFoundException("profile '" + existing.name() + "' no longer exists"));
    LOG.atInfo().addKeyValue("profile", saved.name()).addKeyValue("retired", saved.retired()).addKeyValue("by", admin.name())
        .log(retire ? "profile retired" : "profile changed");
    ctx.json(WireJson.mapper().valueToTree(saved));
  }

  private Profile checked(Profile p) {
    return ProfileParser.checkGpus(ProfileParser.checkGroups(p, name -> hub.group(name).isPresent()),
        profiles.allNodes().stream().map(n -> n.gpuInfo().size()).toList());
  }

  /** The admin page's section: every profile with its numbers and a Retire button, and the form to add or change one. */
  public String section() {
    StringBuilder b = new StringBuilder("<h2>Profiles</h2><table id=\"profiles\"><tr><th>Name</th><th>Shown as</th>"
        + "<th>Cores (guarantee / limit)</th><th>GB (guarantee / limit)</th><th>GPUs</th><th>Nodes</th><th>Groups</th>"
        + "<th></th></tr>");
    for (Profile p : profiles.profiles()) {
      b.append("<tr data-profile=\"").append(esc(p.name())).append("\"").append(p.retired() ? " class=\"muted\"" : "")
          .append("><td>").append(esc(p.name())).append("</td><td>").append(esc(p.displayName())).append("</td><td>")
          .append(p.cpuGuarantee()).append(" / ").append(p.cpuLimit()).append("</td><td>").append(p.memGuarantee())
          .append(" / ").append(p.memLimit()).append("</td><td>").append(p.gpuCount())
          .append(p.gpuModel() == null ? "" : " " + esc(p.gpuModel())).append("</td><td>").append(p.minNodes())
          .append(p.maxNodes() == p.minNodes() ? "" : "-" + p.maxNodes()).append("</td><td>")
          .append(esc(String.join(", ", p.groups()))).append("</td><td>")
          .append(p.retired() ? "retired" : PageActions.button("retire-" + p.name(), "Retire", "DELETE",
              "/hub/api/profiles/" + p.name(), "Retire profile " + p.name() + "? Running servers keep it until they stop."))
          .append("</td></tr>");
    }
    b.append("</table><h3>Add or change a profile</h3><form id=\"profile-form\">");
    for (String[] f : FIELDS) {
      b.append("<label>").append(f[1]).append(" <input name=\"").append(f[0]).append("\" id=\"pf-").append(f[0])
          .append("\"").append(f[2].isEmpty() ? "" : " inputmode=\"decimal\"").append("></label> ");
    }
    b.append("<button type=\"submit\" id=\"profile-save\">Save profile</button></form>")
        .append("<p id=\"profile-error\" class=\"error\" role=\"alert\" hidden></p>")
        .append("<script>").append(SCRIPT).append("</script>");
    return b.toString();
  }

  /** Form fields: JSON name, label, "n" for a number. */
  private static final String[][] FIELDS = {
      {"name", "Name", ""}, {"display_name", "Shown as", ""}, {"cpu_guarantee", "Cores guaranteed", "n"},
      {"cpu_limit", "Cores at most", "n"}, {"mem_guarantee", "GB guaranteed", "n"}, {"mem_limit", "GB at most", "n"},
      {"gpu_count", "GPUs", "n"}, {"gpu_model", "GPU model (pattern)", ""}, {"groups", "Groups (comma-separated)", ""}};

  /**
   * Sends the form as JSON: PATCH when a profile of that name is listed, else POST; only filled
   * fields are sent (numbers as numbers, groups as a list); the hub's error, which names the
   * field, is shown above the form and nothing is reloaded.
   */
  private static final String SCRIPT = String.join("\n",
      "document.getElementById('profile-form').addEventListener('submit',async e=>{e.preventDefault();",
      " const f=e.target,body={},num=['cpu_guarantee','cpu_limit','mem_guarantee','mem_limit','gpu_count'];",
      " for(const i of f.querySelectorAll('input')){const v=i.value.trim();if(!v)continue;",
      "  if(i.name==='groups')body.groups=v.split(',').map(s=>s.trim()).filter(s=>s);",
      "  else body[i.name]=num.includes(i.name)&&!isNaN(Number(v))?Number(v):v;}",
      " const name=body.name||'';const exists=!!document.querySelector('#profiles tr[data-profile=\"'+CSS.escape(name)+'\"]');",
      " if(exists)delete body.name;",
      " const x=document.getElementById('page-actions').dataset.xsrf;",
      " const r=await fetch(exists?'/hub/api/profiles/'+encodeURIComponent(name):'/hub/api/profiles',",
      "  {method:exists?'PATCH':'POST',headers:{'Content-Type':'application/json','X-XSRFToken':x},body:JSON.stringify(body)});",
      " if(r.ok){location.reload();return;}",
      " let m='failed: '+r.status;try{m=(await r.json()).error||m}catch(x){}",
      " const p=document.getElementById('profile-error');p.textContent=m;p.hidden=false;});");
}
