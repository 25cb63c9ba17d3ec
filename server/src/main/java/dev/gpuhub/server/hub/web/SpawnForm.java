package dev.gpuhub.server.hub.web;

import static dev.gpuhub.server.hub.web.Html.esc;

import dev.gpuhub.core.profile.ImageChoice;
import dev.gpuhub.core.profile.Profile;
import java.util.List;

/**
 * The options form (seed figure 4.6): profile cards (guarantees and limits, GPUs and their
 * model), the image for the chosen profile, the node count within the profile's range, a live
 * table of eligible nodes (polled every 3 s, primary node marked; each GPU's model, memory and
 * holder, so a user sees which models are free where) and a summary of what will start.
 */
final class SpawnForm {
  private SpawnForm() {}

  /**
   * One option per image the user may start with some profile: {@code data-profiles} names those
   * profiles, {@code data-default} those for which it is the default (the script shows only the
   * chosen profile's images and selects its default).
   */
  static String imageOptions(List<Profile> profiles, java.util.Map<String, List<ImageChoice>> images) {
    java.util.Map<String, ImageChoice> byRef = new java.util.LinkedHashMap<>();
    java.util.Map<String, List<String>> serves = new java.util.HashMap<>();
    java.util.Map<String, List<String>> defaults = new java.util.HashMap<>();
    for (Profile p : profiles) {
      List<ImageChoice> offered = images.getOrDefault(p.name(), List.of());
      for (int i = 0; i < offered.size(); i++) {
        ImageChoice c = offered.get(i);
        byRef.putIfAbsent(c.reference(), c);
        serves.computeIfAbsent(c.reference(), k -> new java.util.ArrayList<>()).add(p.name());
        if (i == 0) defaults.computeIfAbsent(c.reference(), k -> new java.util.ArrayList<>()).add(p.name());
      }
    }
    StringBuilder b = new StringBuilder();
    for (ImageChoice c : byRef.values()) {
      b.append("<option value=\"").append(esc(c.reference())).append("\" data-profiles=\"")
          .append(esc(String.join(" ", serves.get(c.reference())))).append("\" data-default=\"")
          .append(esc(String.join(" ", defaults.getOrDefault(c.reference(), List.of())))).append("\">")
          .append(esc(c.displayName())).append(c.displayName().equals(c.reference()) ? "" : " (" + esc(c.reference()) + ")")
          .append("</option>");
    }
    return b.toString();
  }

  /** The form for {@code server}: the caller's default server posts to {@code /hub/spawn}, a named one to its own URL. */
  static String render(List<Profile> profiles, java.util.Map<String, List<ImageChoice>> images, String xsrf,
                       String error, dev.gpuhub.core.hub.ServerId server) {
    StringBuilder b = new StringBuilder(server.isDefault() ? "<h1>Start a server</h1>"
        : "<h1>Start server " + esc(server.name()) + "</h1>");
    if (error != null) b.append("<p class=\"error\" id=\"error\">").append(esc(error)).append("</p>");
    String action = server.isDefault() ? "/hub/spawn" : "/hub/spawn/" + server.user() + "/" + server.name();
    b.append("<form method=\"post\" action=\"").append(esc(action)).append("\" id=\"spawn-form\">")
        .append("<input type=\"hidden\" name=\"_xsrf\" value=\"").append(esc(xsrf)).append("\">")
        .append("<h2>Profile</h2><div class=\"cards\">");
    boolean first = true;
    for (Profile p : profiles) {
      b.append("<label class=\"card\"><input type=\"radio\" name=\"profile\" value=\"").append(esc(p.name())).append('"')
          .append(" data-min=\"").append(p.minNodes()).append("\" data-max=\"").append(p.maxNodes()).append('"')
          .append(" data-gpu=\"").append(p.gpuRequired()).append('"').append(first ? " checked" : "").append('>')
          .append("<b>").append(esc(p.displayName())).append("</b><br><span class=\"muted\">").append(esc(p.description()))
          .append("</span><br>").append(resources(p)).append(esc(gpus(p))).append(", ")
          .append(p.minNodes() == p.maxNodes() ? p.minNodes() + " node" + (p.minNodes() == 1 ? "" : "s")
              : p.minNodes() + "-" + p.maxNodes() + " nodes")
          .append("</label>");
      first = false;
    }
    b.append("</div><h2>Environment</h2><select name=\"image\" id=\"image\">").append(imageOptions(profiles, images))
        .append("</select>")
        .append("<h2>Nodes</h2><input type=\"number\" name=\"node_count\" id=\"node_count\" value=\"1\" min=\"1\" max=\"1\">")
        .append("<table id=\"nodes\"><thead><tr><th></th><th>Hostname</th><th>Status</th><th>IP</th><th>Cores</th>")
        .append("<th>Memory</th><th>Containers</th><th>GPU</th><th>CPU %</th><th>Mem %</th></tr></thead><tbody></tbody></table>")
        .append("<h2>Plan</h2><ul id=\"plan\"></ul>")
        .append("<p id=\"summary\" class=\"muted\"></p><input type=\"submit\" value=\"Start\" id=\"start\"></form>")
        .append("<script>").append(SCRIPT).append("</script>");
    return b.toString();
  }

  private static final String SCRIPT = String.join("\n",
      "const form=document.getElementById('spawn-form');",
      "function profile(){return form.querySelector('input[name=profile]:checked');}",
      "function esc(s){return String(s).replace(/[&<>\"']/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','\"':'&quot;',\"'\":'&#39;'}[c]));}",
      "function syncProfile(){const p=profile();if(!p)return;const n=document.getElementById('node_count');",
      " n.min=p.dataset.min;n.max=p.dataset.max;if(+n.value<+n.min||+n.value>+n.max)n.value=n.min;",
      " const img=document.getElementById('image');let pick=null;for(const o of img.options){const on=o.dataset.profiles.split(' ').includes(p.value);",
      "  o.hidden=!on;o.disabled=!on;if(on&&(!pick||o.dataset.default.split(' ').includes(p.value)&&!pick.dataset.default.split(' ').includes(p.value)))pick=o;}",
      " if(pick)img.value=pick.value;refresh();}",
      "async function refresh(){const p=profile();if(!p)return;const r=await fetch('/hub/api/nodes?profile='+encodeURIComponent(p.value)+'&node_count='+encodeURIComponent(document.getElementById('node_count').value));",
      " if(!r.ok)return;const d=await r.json();const rows=d.nodes.map(n=>'<tr'+(n.eligible?'':' class=\"muted\" title=\"'+esc(n.rejection_reason)+'\"')+'><td>'+(n.primary?'&#9733; primary':'')+'</td><td>'+esc(n.hostname)+'</td><td>'+(n.eligible?'eligible':'not eligible: '+esc(n.rejection_reason))+'</td><td>'+esc(n.ip)+'</td><td>'+n.cpu_cores+'</td><td>'+n.ram_gb+' GB</td><td>'+(n.containers_with_reservations??n.total_containers)+'/'+n.max_containers+'</td><td>'+(n.gpus&&n.gpus.length?n.gpus.map((g,i)=>'#'+i+(g.model?' '+esc(g.model)+(g.memory_total_mb?' '+Math.round(g.memory_total_mb/1024)+' GB':''):'')+' '+(g.held_by?'held by '+esc(g.held_by):'free')).join(', '):'-')+'</td><td>'+(n.cpu_usage_percent??'?')+'</td><td>'+(n.memory_usage_percent??'?')+'</td></tr>');",
      " document.querySelector('#nodes tbody').innerHTML=rows.join('');",
      " document.getElementById('plan').innerHTML=(d.plan||[]).map(s=>'<li><b>'+esc(s.hostname)+'</b>'+(s.primary?' (primary)':'')+': '+s.runs.map(esc).join(', ')+'</li>').join('')||'<li>'+(d.wait_reason?'would wait: '+esc(d.wait_reason):'no eligible node now')+'</li>';",
      " const eligible=d.nodes.filter(n=>n.eligible).length;const want=+document.getElementById('node_count').value;",
      " const prim=d.nodes.find(n=>n.primary);document.getElementById('summary').textContent=p.parentElement.querySelector('b').textContent+', '+want+' node(s), '+document.getElementById('image').value+'; '+eligible+' eligible node(s)'+(prim?', primary: '+prim.hostname:'')+(eligible<want?' - not enough nodes now':'');}",
      "form.addEventListener('change',e=>{if(e.target.name==='profile')syncProfile();else refresh();});",
      "syncProfile();setInterval(refresh,3000);");

  /** "up to 2 cores (0.5 guaranteed), up to 2 GB (1 guaranteed)", or "4 cores, 8 GB" when limits equal guarantees. */
  static String resources(Profile p) {
    return amount(p.cpuGuarantee(), p.cpuLimit(), " cores") + ", " + amount(p.memGuarantee(), p.memLimit(), " GB");
  }

  /** ", 2 GPUs (*A100*, at least 40 GB each)", or "" without GPUs. */
  static String gpus(Profile p) {
    if (p.gpuCount() == 0) return "";
    String what = ", " + p.gpuCount() + (p.gpuCount() == 1 ? " GPU" : " GPUs");
    java.util.List<String> terms = new java.util.ArrayList<>();
    if (p.gpuModel() != null) terms.add(p.gpuModel());
    if (p.gpuMinMemoryGb() > 0) terms.add("at least " + num(p.gpuMinMemoryGb()) + " GB" + (p.gpuCount() == 1 ? "" : " each"));
    return terms.isEmpty() ? what : what + " (" + String.join(", ", terms) + ")";
  }

  private static String amount(double guarantee, double limit, String unit) {
    return limit > guarantee ? "up to " + num(limit) + unit + " (" + num(guarantee) + " guaranteed)" : num(limit) + unit;
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
