package dev.gpuhub.store;

import java.time.Instant;

/**
 * An API token as stored in {@code hub_tokens}, without its hash: the token itself is shown to
 * its owner once, when it is made, and never stored.
 *
 * @param id        assigned by the store
 * @param userId    the owner ({@code hub_users.id})
 * @param note      what the token is for; may be null
 * @param createdAt when it was made
 * @param expiresAt when it stops working; null for never
 * @param lastUsed  the latest recorded use; null before the first
 * @param scopes    what the token may do, JupyterHub's scope names separated by spaces; null for
 *                  every right of its owner ({@code inherit})
 */
public record HubTokenRecord(long id, long userId, String note, Instant createdAt,
                             Instant expiresAt, Instant lastUsed, String scopes) {
  /** A token with every right of its owner. */
  public HubTokenRecord(long id, long userId, String note, Instant createdAt, Instant expiresAt, Instant lastUsed) {
    this(id, userId, note, createdAt, expiresAt, lastUsed, null);
  }
}
