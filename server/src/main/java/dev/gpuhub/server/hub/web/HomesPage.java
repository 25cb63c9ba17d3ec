package dev.gpuhub.server.hub.web;

import static dev.gpuhub.server.hub.web.Html.esc;

/**
 * The homes parts of the hub's pages, filled in the browser from {@link HomesRoutes} so that a
 * slow node never holds a page up: on the home page the user's home, its size and the quota; on
 * the admin page every copy of every home, with the confirmed deletion of a departed user's.
 * Everything a node or a user name says is put in as text, never as markup.
 */
final class HomesPage {
  private HomesPage() {}

  /** "Your files": where the home is, how much it holds, and the quota's warning. */
  static String userSection(String user) {
    return "<h2>Your files</h2><p id=\"home-usage\" class=\"muted\" data-user=\"" + esc(user) + "\">Measuring your home...</p>"
        + "<p id=\"home-quota\"></p><script>(async()=>{const r=await fetch('/hub/api/users/'"
        + "+encodeURIComponent(document.getElementById('home-usage').dataset.user)+'/home');"
        + "const u=document.getElementById('home-usage');if(!r.ok){u.textContent='Your home could not be measured now.';return;}"
        + "const h=await r.json();const mb=b=>b==null||b<0?'?':(b/1e6).toFixed(1)+' MB';"
        + "const where=h.homes.map(c=>c.node).join(', ');"
        + "u.textContent=h.homes.length===0?'Your home is empty so far (it is made when your first server starts).'"
        + ":'Your home: '+mb(h.used_bytes!=null?h.used_bytes:h.homes[0].size_bytes)+' on '+where"
        + "+(h.quota_bytes?' (quota '+mb(h.quota_bytes)+')':'');"
        + "if(h.quota_message){const q=document.getElementById('home-quota');q.textContent=h.quota_message;"
        + "q.className=h.quota_state==='warning'?'warning':'error';}})();</script>";
  }

  /** "Homes": every copy with node, size and last change; Delete asks for the user's name. */
  static String adminSection(String xsrf) {
    return "<h2>Homes</h2><p id=\"homes-note\" class=\"muted\" data-xsrf=\"" + esc(xsrf) + "\">Asking the nodes...</p><table id=\"homes\"><tr><th>User</th>"
        + "<th>Node</th><th>Size</th><th>Last change</th><th></th></tr></table><script>(async()=>{"
        + "const r=await fetch('/hub/api/homes');const note=document.getElementById('homes-note');"
        + "if(!r.ok){note.textContent='Homes could not be listed: '+r.status;return;}const h=await r.json();"
        + "note.textContent=h.unreachable.length?'Not answering: '+h.unreachable.join(', '):'';"
        + "const t=document.getElementById('homes');for(const c of h.homes){const tr=t.insertRow();"
        + "for(const v of [c.user,c.node,c.size_bytes<0?'?':(c.size_bytes/1e6).toFixed(1)+' MB',c.modified||'-'])"
        + "tr.insertCell().textContent=v;const b=document.createElement('button');b.textContent='Delete';"
        + "b.onclick=()=>deleteHome(c.user);tr.insertCell().appendChild(b);}})();"
        + "async function deleteHome(user){const typed=prompt('This deletes every file of '+user+' on every node, for good. "
        + "Type the user name to confirm:');if(typed===null)return;const r=await fetch('/hub/api/homes/'+encodeURIComponent(user),"
        + "{method:'DELETE',headers:{'X-XSRFToken':document.getElementById('homes-note').dataset.xsrf,'Content-Type':'application/json'},"
        + "body:JSON.stringify({confirm:typed})});const a=await r.json();alert(r.ok?'Removed on: '+a.removed_on.join(', ')"
        + ":a.error);location.reload();}</script>";
  }
}
