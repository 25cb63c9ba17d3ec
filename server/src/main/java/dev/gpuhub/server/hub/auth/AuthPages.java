package dev.gpuhub.server.hub.auth;

import static dev.gpuhub.server.hub.auth.Html.escape;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The HTML of the login, sign-up and message pages; all given text is escaped. */
final class AuthPages {
  private AuthPages() {}

  /**
   * The login form. {@code next} (carried in the form's action) and {@code username} may be null;
   * {@code error} is shown above the form when not null.
   */
  static String login(String xsrf, String next, String username, String error, boolean signupOpen) {
    String signupLink = signupOpen
        ? "<p class=\"hint\">No account? <a href=\"/hub/signup" + nextQuery(next) + "\">Sign up</a></p>"
        : "";
    return Html.page("Log in", "<h1>Log in</h1>" + Html.error(error)
        + "<form method=\"post\" action=\"/hub/login" + nextQuery(next) + "\">"
        + Html.hidden(Xsrf.FIELD, xsrf)
        + "<label for=\"username\">User name</label>"
        + "<input type=\"text\" id=\"username\" name=\"username\" autocapitalize=\"off\""
        + " autocorrect=\"off\" autocomplete=\"username\" autofocus required value=\""
        + escape(username) + "\">"
        + "<label for=\"password\">Password</label>"
        + "<input type=\"password\" id=\"password\" name=\"password\""
        + " autocomplete=\"current-password\" required>"
        + "<button type=\"submit\">Log in</button></form>" + signupLink);
  }

  /**
   * The sign-up form; {@code username} refills the name after an error. With {@code adminSetup},
   * it also asks for the administrator setup secret (only those claiming an admin name fill it in).
   */
  static String signup(String xsrf, String next, String username, String error, boolean adminSetup) {
    return Html.page("Sign up", "<h1>Create an account</h1>" + Html.error(error)
        + "<form method=\"post\" action=\"/hub/signup" + nextQuery(next) + "\">"
        + Html.hidden(Xsrf.FIELD, xsrf)
        + "<label for=\"username\">User name</label>"
        + "<input type=\"text\" id=\"username\" name=\"username\" autocapitalize=\"off\""
        + " autocorrect=\"off\" autocomplete=\"username\" pattern=\"[A-Za-z0-9][A-Za-z0-9._\\-]{0,31}\""
        + " required value=\"" + escape(username) + "\">"
        + "<p class=\"hint\">1 to 32 characters: letters, digits, '.', '_' or '-'.</p>"
        + "<label for=\"password\">Password</label>"
        + "<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"new-password\""
        + " minlength=\"" + Credentials.MIN_PASSWORD_LENGTH + "\" required>"
        + "<label for=\"password_confirmation\">Repeat the password</label>"
        + "<input type=\"password\" id=\"password_confirmation\" name=\"password_confirmation\""
        + " autocomplete=\"new-password\" minlength=\"" + Credentials.MIN_PASSWORD_LENGTH + "\" required>"
        + "<p class=\"hint\">At least " + Credentials.MIN_PASSWORD_LENGTH + " characters.</p>"
        + (adminSetup ? "<label for=\"" + AdminSetup.FIELD + "\">Administrator setup secret</label>"
            + "<input type=\"password\" id=\"" + AdminSetup.FIELD + "\" name=\"" + AdminSetup.FIELD
            + "\" autocomplete=\"off\"><p class=\"hint\">Only when you create an administrator's account: the"
            + " text of the file " + AdminSetup.FILE + " in the hub's data directory. Leave it empty"
            + " otherwise.</p>" : "")
        + "<button type=\"submit\">Sign up</button></form>"
        + "<p class=\"hint\">Have an account? <a href=\"/hub/login" + nextQuery(next) + "\">Log in</a></p>");
  }

  /** The page of {@code GET /hub/logout}: a button that logs out (a POST), so no link can do it. */
  static String logout(String xsrf, String user, boolean stopsServer) {
    return Html.page("Log out", "<h1>Log out</h1><p>Log out " + escape(user) + "?"
        + (stopsServer ? " Your server stops; your files stay in your home." : "") + "</p>"
        + "<form method=\"post\" action=\"/hub/logout\">" + Html.hidden(Xsrf.FIELD, xsrf)
        + "<button type=\"submit\">Log out</button></form>"
        + "<p><a href=\"/hub/home\">Back to your home page</a></p>");
  }

  /** A page that only says something, with a link onwards. */
  static String message(String title, String message, String linkHref, String linkText) {
    return Html.page(title, "<h1>" + escape(title) + "</h1><p>" + escape(message) + "</p>"
        + "<p><a href=\"" + escape(linkHref) + "\">" + escape(linkText) + "</a></p>");
  }

  /** {@code ?next=...} (escaped for an attribute), or "" without a next. */
  private static String nextQuery(String next) {
    return next == null ? "" : escape("?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
  }
}
