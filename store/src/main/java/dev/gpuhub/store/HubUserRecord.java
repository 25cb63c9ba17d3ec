package dev.gpuhub.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A hub user as stored in {@code hub_users}.
 *
 * @param id           assigned by the store
 * @param name         unique, already normalised by the caller (the hub lower-cases names)
 * @param passwordHash a slow salted hash naming its algorithm (e.g. {@code $argon2id$...}); null
 *                     when the user cannot log in with a password
 * @param admin        whether the user may administer the hub
 * @param createdAt    when the user was created
 * @param lastLogin    the latest successful password login; null before the first
 * @param approved     false while the user, signed up under approval, waits for an administrator
 */
public record HubUserRecord(long id, String name, String passwordHash, boolean admin,
                            Instant createdAt, Instant lastLogin, boolean approved) {

  public HubUserRecord {
    Objects.requireNonNull(name, "name");
  }

  /** Never prints the password hash. */
  @Override
  public String toString() {
    return "HubUserRecord[id=" + id + ", name=" + name + ", admin=" + admin
        + ", passwordHash=" + (passwordHash == null ? "none" : "set") + ", createdAt=" + createdAt
        + ", lastLogin=" + lastLogin + ", approved=" + approved + "]";
  }
}
