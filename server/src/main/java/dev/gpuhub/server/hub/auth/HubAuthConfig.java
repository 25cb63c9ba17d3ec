package dev.gpuhub.server.hub.auth;

import dev.gpuhub.core.config.EnvReader;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the hub authenticates, validated on construction and immutable. Build it with
 * {@link #fromEnv(Map)}; invalid values throw {@link IllegalArgumentException} naming the variable,
 * the bad value and what is accepted.
 *
 * @param openSignup         GPUHUB_OPEN_SIGNUP: whether anyone may create an account at
 *                           {@code /hub/signup}
 * @param adminUsers         GPUHUB_ADMIN_USERS: normalised names that are admins when they are
 *                           created, or sign up with the setup secret ({@link AdminSetup})
 * @param cookieSecure       GPUHUB_COOKIE_SECURE: mark cookies {@code Secure} (set it behind HTTPS)
 * @param sessionIdleTimeout GPUHUB_SESSION_HOURS: a session unused this long ends
 * @param logoutStopsServer  GPUHUB_LOGOUT_STOPS_SERVER: whether logging out stops the user's server
 *                           (read by the logout hook the hub installs)
 * @param signupsPerAddress  GPUHUB_SIGNUPS_PER_ADDRESS: sign-up attempts one client address may
 *                           make per hour
 * @param signupApproval     GPUHUB_SIGNUP_APPROVAL: whoever signs up waits for an admin's approval
 *                           before logging in (NativeAuthenticator's open_signup=False)
 */
public record HubAuthConfig(boolean openSignup, Set<String> adminUsers, boolean cookieSecure,
                            Duration sessionIdleTimeout, boolean logoutStopsServer, int signupsPerAddress,
                            boolean signupApproval) {

  /** Default: anyone may sign up (NativeAuthenticator's open sign-up). */
  public static final boolean DEFAULT_OPEN_SIGNUP = true;
  /** Default: cookies work over plain HTTP. */
  public static final boolean DEFAULT_COOKIE_SECURE = false;
  /** Default idle time after which a session ends, in hours. */
  public static final int DEFAULT_SESSION_HOURS = 12;
  /** Longest accepted idle session time, in hours (one year). */
  public static final int MAX_SESSION_HOURS = 8_760;
  /** Default: logging out stops the user's server (SPEC §4). */
  public static final boolean DEFAULT_LOGOUT_STOPS_SERVER = true;
  /** Default sign-up attempts per client address per hour. */
  public static final int DEFAULT_SIGNUPS_PER_ADDRESS = 10;

  public HubAuthConfig {
    Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
    if (sessionIdleTimeout.isNegative() || sessionIdleTimeout.isZero()) {
      throw new IllegalArgumentException("session idle timeout must be positive, was " + sessionIdleTimeout);
    }
    if (signupsPerAddress < 1) {
      throw new IllegalArgumentException("sign-ups per address must be at least 1, was " + signupsPerAddress);
    }
    adminUsers = Set.copyOf(adminUsers);
  }

  /** The defaults, with these admins. */
  public static HubAuthConfig defaults(Set<String> adminUsers) {
    return new HubAuthConfig(DEFAULT_OPEN_SIGNUP, adminUsers, DEFAULT_COOKIE_SECURE,
        Duration.ofHours(DEFAULT_SESSION_HOURS), DEFAULT_LOGOUT_STOPS_SERVER, DEFAULT_SIGNUPS_PER_ADDRESS, false);
  }

  /**
   * Reads the configuration from environment variables (pass {@code System.getenv()}); unset and
   * blank variables take their defaults.
   */
  public static HubAuthConfig fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    return new HubAuthConfig(
        r.bool("GPUHUB_OPEN_SIGNUP", DEFAULT_OPEN_SIGNUP),
        adminUsers(r.raw("GPUHUB_ADMIN_USERS")),
        r.bool("GPUHUB_COOKIE_SECURE", DEFAULT_COOKIE_SECURE),
        Duration.ofHours(r.integer("GPUHUB_SESSION_HOURS", DEFAULT_SESSION_HOURS, 1, MAX_SESSION_HOURS)),
        r.bool("GPUHUB_LOGOUT_STOPS_SERVER", DEFAULT_LOGOUT_STOPS_SERVER),
        r.integer("GPUHUB_SIGNUPS_PER_ADDRESS", DEFAULT_SIGNUPS_PER_ADDRESS, 1, 1_000_000),
        r.bool("GPUHUB_SIGNUP_APPROVAL", false));
  }

  /** Whether the user with this normalised name is an admin by configuration. */
  public boolean isConfiguredAdmin(String name) {
    return adminUsers.contains(name);
  }

  private static Set<String> adminUsers(String list) {
    Set<String> names = new TreeSet<>();
    if (list == null) return names;
    for (String part : list.split(",")) {
      if (part.isBlank()) continue;
      if (!Credentials.isValidUsername(part)) {
        throw new IllegalArgumentException("GPUHUB_ADMIN_USERS must be a comma-separated list of user"
            + " names (a-z, 0-9, '.', '_', '-'; 1 to 32 characters), was '" + list + "': '"
            + part.strip() + "' is not a valid name");
      }
      names.add(Credentials.normalize(part));
    }
    return names;
  }
}
