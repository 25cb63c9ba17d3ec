package dev.gpuhub.store;

import java.util.Objects;

/** A valid API token and the user it belongs to, as found by its hash. */
public record HubTokenOwner(HubTokenRecord token, HubUserRecord user) {
  public HubTokenOwner {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(user, "user");
  }
}
