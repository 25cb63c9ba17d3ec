package dev.gpuhub.server.hub.auth;

/**
 * The tiny HTML toolkit of the hub's pages: escaping and one page frame with inline CSS (no
 * external assets). Every piece of text that did not come from this code goes through
 * {@link #escape}.
 */
public final class Html {
  private static final String STYLE = """
      body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f5f7;color:#1d2330;margin:0}
      header{background:#1d2330;color:#fff;padding:.8rem 1.5rem;font-weight:600}
      header a{color:#fff;text-decoration:none}
      main{max-width:26rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
      h1{font-size:1.4rem;margin-top:0}
      label{display:block;margin:.9rem 0 .3rem;font-weight:500}
      input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #c4c8d0;border-radius:4px;font-size:1rem}
      button{margin-top:1.2rem;width:100%;padding:.65rem;border:0;border-radius:4px;background:#2f6fdf;color:#fff;font-size:1rem;cursor:pointer}
      .error{background:#fdecea;color:#8a1c1c;padding:.6rem .8rem;border-radius:4px;margin-bottom:1rem}
      .hint{color:#5b6270;font-size:.9rem}
      """;

  private Html() {}

  /** {@code text} safe inside HTML text and quoted attribute values; "" for null. */
  public static String escape(String text) {
    if (text == null) return "";
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A whole page: {@code title} is escaped here, {@code body} must already be safe HTML. */
  public static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + escape(title) + " - gpuhub</title><style>" + STYLE + "</style></head>"
        + "<body><header><a href=\"/hub/home\">gpuhub</a></header><main>" + body
        + "</main></body></html>";
  }

  /** An error box with {@code message} escaped; "" when there is no message. */
  public static String error(String message) {
    return message == null || message.isEmpty() ? ""
        : "<p class=\"error\" role=\"alert\">" + escape(message) + "</p>";
  }

  /** A hidden form field, name and value escaped. */
  public static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value) + "\">";
  }
}
