package dev.gpuhub.server.hub.auth;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.util.Optional;

/**
 * The hub's login surface (JupyterHub URLs) and REST user API ({@link UserApiRoutes}), plus a
 * guard before every {@code /hub/*} request, the hub's other routes included:
 * <ul>
 *   <li>a GET of a page (not {@code /hub/api}) gets an {@code _xsrf} cookie when it has none;</li>
 *   <li>a POST, PUT, PATCH or DELETE must pass the XSRF check ({@link HubAuth#checkXsrf}) unless
 *       it is authenticated by API token, or is an anonymous {@code /hub/api} call (which its
 *       route refuses with 403 anyway). This covers every form POST and every state-changing API
 *       call authenticated by cookie; a failure answers 403 before any route runs.</li>
 * </ul>
 * Sign-up logs the new user in at once and redirects to {@code next} or {@code /hub/home}. The
 * sign-up field {@code password_confirmation} is checked when sent (forms always send it).
 * Routes throw {@link IllegalArgumentException} and store exceptions for the API, so install
 * {@link dev.gpuhub.server.http.ApiErrors} on the same app.
 */
public final class AuthRoutes {
  /** Where a login, or a sign-up, goes when there is no usable {@code next}. */
  public static final String HOME = "/hub/home";
  /** The login page. */
  public static final String LOGIN = "/hub/login";

  /** The JupyterHub version whose REST API and single-user protocol this hub speaks ({@code X-JupyterHub-Version}). */
  public static final String JUPYTERHUB_VERSION = "3.0.0";

  /** The hub's logo: its name, as an image. */
  static final String LOGO = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"28\" viewBox=\"0 0 120 28\">"
      + "<text x=\"0\" y=\"21\" font-family=\"sans-serif\" font-size=\"22\" font-weight=\"bold\" fill=\"#333\">gpuhub</text></svg>";

  private final HubAuth auth;
  private final ActivityReports activity;

  /** Routes without a place to send servers' activity reports (they are accepted and dropped). */
  public AuthRoutes(HubAuth auth) {
    this(auth, (user, server, at) -> { });
  }

  /** Routes whose activity reports ({@code POST /hub/api/users/<name>/activity}) go to {@code activity}. */
  public AuthRoutes(HubAuth auth, ActivityReports activity) {
    this.auth = auth;
    this.activity = activity;
  }

  /** Where a server's reported activity goes (the idle culler's clock). */
  @FunctionalInterface
  public interface ActivityReports {
    /** {@code user}'s server {@code server} ("" for the default) was active at {@code at}. */
    void report(String user, String server, java.time.Instant at);
  }

  public void install(JavalinConfig config) {
    AuthErrors.install(config);
    var r = config.routes;
    r.before("/hub/*", this::guard);
    r.get("/hub/", ctx -> ctx.redirect(auth.currentUser(ctx).isPresent() ? HOME : LOGIN, HttpStatus.FOUND));
    r.get(LOGIN, this::loginPage);
    r.post(LOGIN, this::login);
    r.get("/hub/signup", this::signupPage);
    r.post("/hub/signup", this::signup);
    r.get("/hub/logout", this::logoutPage);
    // JupyterHub's single-user pages show the hub's logo from here
    r.get("/hub/logo", ctx -> ctx.contentType("image/svg+xml").header("Cache-Control", "max-age=86400").result(LOGO));
    r.post("/hub/logout", this::logout);
    UserApiRoutes users = new UserApiRoutes(auth);
    users.install(config);
    new ProtocolRoutes(auth, users, activity).install(config);
    new GroupRoutes(auth).install(config);
  }

  private void guard(Context ctx) {
    ctx.header("X-JupyterHub-Version", JUPYTERHUB_VERSION);
    ScopeGuard.check(ctx, auth);
    HandlerType method = ctx.method();
    if (method == HandlerType.GET || method == HandlerType.HEAD) {
      if (!HubAuth.isApiPath(ctx.path())) auth.xsrfToken(ctx);
      return;
    }
    if (method != HandlerType.POST && method != HandlerType.PUT && method != HandlerType.PATCH
        && method != HandlerType.DELETE) {
      return;
    }
    if (HubAuth.isApiPath(ctx.path()) && auth.via(ctx) == HubAuth.Via.NONE) return;
    auth.checkXsrf(ctx);
  }

  private void loginPage(Context ctx) {
    String next = next(ctx);
    if (auth.currentUser(ctx).isPresent()) {
      ctx.redirect(safeNext(next), HttpStatus.FOUND);
      return;
    }
    ctx.html(AuthPages.login(auth.xsrfToken(ctx), next, null, null, auth.config().openSignup()));
  }

  private void login(Context ctx) {
    String username = ctx.formParam("username");
    String next = next(ctx);
    Optional<HubUser> user;
    try {
      user = auth.accounts().authenticate(username, ctx.formParam("password"), ctx.ip());
    } catch (TooManyAttemptsException e) {
      ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
      ctx.status(HttpStatus.TOO_MANY_REQUESTS).html(AuthPages.login(auth.xsrfToken(ctx), next,
          username, "Too many logins: " + e.getMessage(), auth.config().openSignup()));
      return;
    } catch (ForbiddenException e) {
      ctx.status(HttpStatus.FORBIDDEN).html(AuthPages.login(auth.xsrfToken(ctx), next, username, e.getMessage(),
          auth.config().openSignup()));
      return;
    }
    if (user.isEmpty()) {
      ctx.status(HttpStatus.UNAUTHORIZED).html(AuthPages.login(auth.xsrfToken(ctx), next, username,
          "Invalid username or password", auth.config().openSignup()));
      return;
    }
    auth.startSession(ctx, user.get());
    ctx.redirect(safeNext(next), HttpStatus.FOUND);
  }

  private void signupPage(Context ctx) {
    if (!auth.config().openSignup()) {
      signupClosed(ctx);
      return;
    }
    ctx.html(AuthPages.signup(auth.xsrfToken(ctx), next(ctx), null, null, adminSetupOpen()));
  }

  private void signup(Context ctx) {
    if (!auth.config().openSignup()) {
      signupClosed(ctx);
      return;
    }
    String username = ctx.formParam("username");
    String next = next(ctx);
    HubUser user;
    try {
      user = auth.accounts().signUp(username, ctx.formParam("password"),
          ctx.formParam("password_confirmation"), ctx.ip(), ctx.formParam(AdminSetup.FIELD));
    } catch (InvalidCredentialsException e) {
      ctx.status(HttpStatus.BAD_REQUEST).html(AuthPages.signup(auth.xsrfToken(ctx), next, username,
          e.getMessage(), adminSetupOpen()));
      return;
    } catch (ForbiddenException e) {
      ctx.status(HttpStatus.FORBIDDEN).html(AuthPages.signup(auth.xsrfToken(ctx), next, username,
          e.getMessage(), adminSetupOpen()));
      return;
    } catch (TooManyAttemptsException e) {
      ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
      ctx.status(HttpStatus.TOO_MANY_REQUESTS).html(AuthPages.signup(auth.xsrfToken(ctx), next, username,
          "Too many sign-ups: " + e.getMessage(), adminSetupOpen()));
      return;
    }
    if (!auth.accounts().isApproved(user.name())) {
      ctx.html(AuthPages.message("Account created", "Your account '" + user.name() + "' is created and waits for"
          + " an administrator's approval. You can log in once it is approved.", LOGIN, "Log in"));
      return;
    }
    auth.startSession(ctx, user);
    ctx.redirect(safeNext(next), HttpStatus.FOUND);
  }

  private void signupClosed(Context ctx) {
    ctx.status(HttpStatus.FORBIDDEN).html(AuthPages.message("Sign-up is closed",
        "This hub does not allow sign-up (GPUHUB_OPEN_SIGNUP=false): ask an admin to create your"
            + " account.", LOGIN, "Log in"));
  }

  private boolean adminSetupOpen() {
    return auth.accounts().adminSetup().pendingFile() != null;
  }

  /** GET only asks (a cross-site link or image must not log anyone out, nor stop their server). */
  private void logoutPage(Context ctx) {
    Optional<HubUser> user = auth.currentUser(ctx);
    if (user.isEmpty()) {
      ctx.redirect(LOGIN, HttpStatus.FOUND);
      return;
    }
    ctx.html(AuthPages.logout(auth.xsrfToken(ctx), user.get().name(), auth.config().logoutStopsServer()));
  }

  private void logout(Context ctx) {
    auth.endSession(ctx);
    ctx.redirect(LOGIN, HttpStatus.FOUND);
  }

  /** The {@code next} form field or query parameter; null when absent or blank. */
  private static String next(Context ctx) {
    String next = ctx.method() == HandlerType.POST && Xsrf.isForm(ctx) ? ctx.formParam("next") : null;
    if (next == null || next.isBlank()) next = ctx.queryParam("next");
    return next == null || next.isBlank() ? null : next;
  }

  /**
   * {@code next} when it is a path on this hub, else {@link #HOME}: it must start with one
   * {@code /} (not {@code //} or {@code /\}, which browsers read as another host) and hold no
   * control characters.
   */
  static String safeNext(String next) {
    if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
      return HOME;
    }
    for (int i = 0; i < next.length(); i++) {
      if (Character.isISOControl(next.charAt(i))) return HOME;
    }
    return next;
  }
}
