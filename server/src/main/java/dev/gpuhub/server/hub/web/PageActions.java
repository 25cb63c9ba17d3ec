package dev.gpuhub.server.hub.web;

import static dev.gpuhub.server.hub.web.Html.esc;

/**
 * Buttons that call the hub's API, without JavaScript in HTML attributes: a button carries its
 * method, URL and optional confirmation question as {@code data-} attributes (HTML-escaped like any
 * attribute), and one script per page ({@link #script}) handles every click on such a button: it
 * asks the question, sends the request with the page's {@code _xsrf} value, and reloads the page
 * (or says why it failed). A name in a URL or a question therefore never has to be escaped for
 * JavaScript.
 */
public final class PageActions {
  private PageActions() {}

  /**
   * A button that sends {@code method url}.
   *
   * @param id      the element id, or null
   * @param confirm a question to confirm first, or null
   */
  public static String button(String id, String label, String method, String url, String confirm) {
    return "<button type=\"button\"" + (id == null ? "" : " id=\"" + esc(id) + "\"") + " data-method=\"" + esc(method)
        + "\" data-url=\"" + esc(url) + "\"" + (confirm == null ? "" : " data-confirm=\"" + esc(confirm) + "\"") + ">"
        + esc(label) + "</button>";
  }

  /** The page's click handler for {@link #button}s, with the page's {@code _xsrf} in a data attribute; once per page. */
  public static String script(String xsrf) {
    return "<div id=\"page-actions\" data-xsrf=\"" + esc(xsrf) + "\" hidden></div>"
        + "<script>document.addEventListener('click',async e=>{const b=e.target.closest('button[data-url]');"
        + "if(!b)return;if(b.dataset.confirm&&!confirm(b.dataset.confirm))return;"
        + "const x=document.getElementById('page-actions').dataset.xsrf;"
        + "const r=await fetch(b.dataset.url,{method:b.dataset.method,headers:{'X-XSRFToken':x}});"
        + "if(!r.ok){let m='failed: '+r.status;try{m=(await r.json()).error||m}catch(x){}alert(m);}location.reload();});</script>";
  }
}
