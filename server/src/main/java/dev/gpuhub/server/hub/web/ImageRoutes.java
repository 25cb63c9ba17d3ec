package dev.gpuhub.server.hub.web;

import static dev.gpuhub.server.hub.web.Html.esc;

import dev.gpuhub.core.profile.ImageChoice;
import dev.gpuhub.server.http.JsonBodies;
import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.store.ClusterRepository;
import dev.gpuhub.store.HubRepository;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.JsonFields;
import dev.gpuhub.wire.WireJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.NotFoundResponse;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images users may start, declared by administrators:
 * <ul>
 *   <li>{@code GET /hub/api/images}: every declared image (none: the configured CPU and GPU images are offered);</li>
 *   <li>{@code POST /hub/api/images} {@code {reference, display_name, profiles, groups}}: 201; 400 naming
 *       the field for a bad reference or an unknown profile or group; 409 when declared already;</li>
 *   <li>{@code DELETE /hub/api/images/<reference>}: 204 (404 when unknown); servers running it keep running.</li>
 * </ul>
 * The spawn form offers each user the images that serve the chosen profile and are open to their
 * groups; a start with another image is refused with the reason (403 for an image of a group the
 * user is not in, 400 otherwise).
 */
public final class ImageRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ImageRoutes.class);
  private static final Set<String> FIELDS = Set.of("reference", "display_name", "profiles", "groups", "start");
  private final HubIdentity identity;
  private final HubRepository hub;
  private final ClusterRepository cluster;

  public ImageRoutes(HubIdentity identity, HubRepository hub, ClusterRepository cluster) {
    this.identity = identity;
    this.hub = hub;
    this.cluster = cluster;
  }

  public void install(JavalinConfig c) {
    c.routes.get("/hub/api/images", ctx -> {
      identity.requireAdmin(ctx);
      ctx.json(WireJson.mapper().valueToTree(hub.images()));
    });
    c.routes.post("/hub/api/images", ctx -> {
      HubIdentity.User admin = identity.requireAdmin(ctx);
      identity.checkXsrf(ctx);
      ImageChoice image = parse(JsonFields.of(JsonBodies.read(ctx), null).acceptOnly(FIELDS));
      hub.createImage(image);
      LOG.atInfo().addKeyValue("image", image.reference()).addKeyValue("by", admin.name()).log("image declared");
      ctx.status(201).json(WireJson.mapper().valueToTree(image));
    });
    c.routes.delete("/hub/api/images/<reference>", ctx -> {
      HubIdentity.User admin = identity.requireAdmin(ctx);
      identity.checkXsrf(ctx);
      String reference = ctx.pathParam("reference");
      if (!hub.deleteImage(reference)) throw new NotFoundResponse("image '" + reference + "' is not declared");
      LOG.atInfo().addKeyValue("image", reference).addKeyValue("by", admin.name()).log("image withdrawn");
      ctx.status(204);
    });
  }

  private ImageChoice parse(JsonFields f) {
    String reference = f.requireText("reference", 255, ImageChoice.REFERENCE, "an image reference such as lab/pytorch:2.3");
    List<String> profiles = f.optionalStringList("profiles");
    KnownNames.profiles(cluster, profiles);
    List<String> groups = f.optionalStringList("groups");
    KnownNames.groups(hub, groups);
    String start = f.optionalText("start", dev.gpuhub.server.hub.spawn.StartCommand.MAX_CHARS, null);
    if (start != null) {
      try {
        start = new dev.gpuhub.server.hub.spawn.StartCommand(start).command();
      } catch (IllegalArgumentException e) {
        throw new InvalidPayloadException("start", "start " + e.getMessage());
      }
    }
    try {
      return new ImageChoice(reference, f.optionalText("display_name", 100, null), profiles, groups, start);
    } catch (IllegalArgumentException e) {
      throw new InvalidPayloadException("display_name", e.getMessage());
    }
  }



  /** The admin page's section: the declared images, a Remove button each, and a form to declare one. */
  public String section() {
    StringBuilder b = new StringBuilder("<h2>Images</h2><table id=\"images\"><tr><th>Image</th><th>Shown as</th>"
        + "<th>Profiles</th><th>Groups</th><th>Starts as</th><th></th></tr>");
    for (ImageChoice i : hub.images()) {
      b.append("<tr><td>").append(esc(i.reference())).append("</td><td>").append(esc(i.displayName())).append("</td><td>")
          .append(esc(i.profiles().isEmpty() ? "all" : String.join(", ", i.profiles()))).append("</td><td>")
          .append(esc(i.groups().isEmpty() ? "everyone" : String.join(", ", i.groups()))).append("</td><td>")
          .append(esc(i.start() == null ? "the hub's default" : i.start())).append("</td><td>")
          .append(PageActions.button(null, "Remove", "DELETE", "/hub/api/images/" + i.reference(),
              "Stop offering " + i.reference() + "? Servers running it keep running."))
          .append("</td></tr>");
    }
    if (hub.images().isEmpty()) b.append("<tr><td colspan=\"6\">None declared: the configured CPU and GPU images are offered</td></tr>");
    b.append("</table><form id=\"image-form\"><label>Image <input name=\"reference\" id=\"im-reference\"></label> ")
        .append("<label>Shown as <input name=\"display_name\" id=\"im-display_name\"></label> ")
        .append("<label>Profiles (comma-separated, empty for all) <input name=\"profiles\" id=\"im-profiles\"></label> ")
        .append("<label>Groups (comma-separated, empty for everyone) <input name=\"groups\" id=\"im-groups\"></label> ")
        .append("<label>Starts as (singleuser or a command template; empty for the hub's default) ")
        .append("<input name=\"start\" id=\"im-start\"></label> ")
        .append("<button type=\"submit\" id=\"image-save\">Declare image</button></form>")
        .append("<p id=\"image-error\" class=\"error\" role=\"alert\" hidden></p><script>").append(SCRIPT).append("</script>");
    return b.toString();
  }

  private static final String SCRIPT = String.join("\n",
      "document.getElementById('image-form').addEventListener('submit',async e=>{e.preventDefault();const body={};",
      " for(const i of e.target.querySelectorAll('input')){const v=i.value.trim();if(!v)continue;",
      "  body[i.name]=i.name==='profiles'||i.name==='groups'?v.split(',').map(s=>s.trim()).filter(s=>s):v;}",
      " const x=document.getElementById('page-actions').dataset.xsrf;",
      " const r=await fetch('/hub/api/images',{method:'POST',headers:{'Content-Type':'application/json','X-XSRFToken':x},",
      "  body:JSON.stringify(body)});",
      " if(r.ok){location.reload();return;}let m='failed: '+r.status;try{m=(await r.json()).error||m}catch(x){}",
      " const p=document.getElementById('image-error');p.textContent=m;p.hidden=false;});");
}
