package dev.gpuhub.server.hub.auth;

import dev.gpuhub.store.HubUserRecord;
import java.util.Objects;

/**
 * A logged-in hub user as the request handlers see it: no password hash.
 *
 * @param id    {@code hub_users.id}
 * @param name  the normalised (lower-case) user name
 * @param admin whether the user may administer the hub
 */
public record HubUser(long id, String name, boolean admin) {
  public HubUser {
    Objects.requireNonNull(name, "name");
  }

  static HubUser of(HubUserRecord record) {
    return new HubUser(record.id(), record.name(), record.admin());
  }
}
