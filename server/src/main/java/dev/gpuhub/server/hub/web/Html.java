package dev.gpuhub.server.hub.web;

/** Tiny HTML helpers: escaping and the common page frame (no external assets). */
public final class Html {
  private Html() {}

  /** Escapes text for element content and quoted attribute values (one escaping rule for the hub). */
  public static String esc(Object value) {
    return dev.gpuhub.server.hub.auth.Html.escape(value == null ? null : value.toString());
  }

  /** A whole page: title, navigation for {@code user} (null when anonymous), body. */
  public static String page(String title, String user, boolean admin, String body) {
    String nav = user == null ? "<a href=\"/hub/login\">Log in</a>"
        : "<a href=\"/hub/home\">Home</a> <a href=\"/hub/spawn\">Start a server</a> <a href=\"/hub/jobs\">Jobs</a>"
            + (admin ? " <a href=\"/hub/admin\">Admin</a>" : "")
            + " <span class=\"who\">" + esc(user) + "</span> <a href=\"/hub/logout\">Log out</a>";
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + " - gpuhub</title>"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>" + STYLE + "</style></head>"
        + "<body><header><b>gpuhub</b> <nav>" + nav + "</nav></header><main>" + body + "</main></body></html>";
  }

  private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:0;color:#222}"
      + "header{background:#1f3b57;color:#fff;padding:.6em 1em;display:flex;gap:1em;align-items:center}"
      + "header a{color:#cfe3ff;margin-right:.8em}header .who{color:#fff;margin-right:.8em}main{padding:1em 1.5em;max-width:1100px}"
      + "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;font-size:.92em}"
      + ".cards{display:flex;flex-wrap:wrap;gap:.8em}.card{border:1px solid #bbb;border-radius:6px;padding:.6em .9em;min-width:200px}"
      + ".card input{margin-right:.4em}.muted{color:#666}.error{color:#a00}.warning{color:#a60}.ok{color:#070}"
      + "button,input[type=submit]{padding:.4em 1em}progress{width:100%;height:1.2em}";
}
