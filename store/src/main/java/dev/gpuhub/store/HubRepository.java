package dev.gpuhub.store;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable hub records (SPEC §4): users, API tokens and the users' Jupyter servers (tables
 * {@code hub_users}, {@code hub_tokens}, {@code hub_servers}). Implementations are thread-safe,
 * each method is one transaction (all or nothing), and failures surface as {@link StoreException}
 * (unique clashes as {@link DuplicateNameException}). Names are stored exactly as given: the caller
 * validates and normalises them. Timestamps are kept with microsecond precision (finer parts are
 * truncated). The repository lives as long as the {@link Stores} it came from; closing those closes
 * it.
 */
public interface HubRepository {

  // ---- users

  /**
   * Stores a new user created now.
   *
   * @param passwordHash the slow salted hash, or null for a user who cannot log in with a password
   * @throws DuplicateNameException when a user with this name exists; nothing is written then
   */
  default HubUserRecord createUser(String name, String passwordHash, boolean admin) {
    return createUser(name, passwordHash, admin, true);
  }

  /**
   * Stores a new user created now, approved or waiting for an administrator's approval.
   *
   * @throws DuplicateNameException when a user with this name exists; nothing is written then
   */
  HubUserRecord createUser(String name, String passwordHash, boolean admin, boolean approved);

  /** Sets whether the user is approved; false when there is no such user. */
  boolean setApproved(String name, boolean approved);

  /** The user with exactly this name. */
  Optional<HubUserRecord> findUser(String name);

  /** Every user, by name. */
  List<HubUserRecord> users();

  /** Sets the user's admin flag; false when there is no such user. */
  boolean setAdmin(String name, boolean admin);

  /** Deletes the user with their tokens and server records; false when there is no such user. */
  boolean deleteUser(String name);

  /** Records a successful login at {@code at}; false when there is no such user. */
  boolean recordLogin(String name, Instant at);

  // ---- API tokens (only their SHA-256 is stored; the caller hashes)

  /**
   * Stores a token of user {@code userId} made now.
   *
   * @param tokenHash hex SHA-256 of the token
   * @param expiresAt when it stops working, or null for never
   * @throws DuplicateNameException when a token with this hash exists
   * @throws StoreException when there is no user {@code userId}
   */
  default HubTokenRecord createToken(long userId, String tokenHash, String note, Instant expiresAt) {
    return createToken(userId, tokenHash, note, expiresAt, null);
  }

  /**
   * Stores a token of user {@code userId} made now, limited to {@code scopes} (JupyterHub's scope
   * names separated by spaces, at most 2,000 characters; null for every right of its owner).
   *
   * @throws DuplicateNameException when a token with this hash exists
   */
  HubTokenRecord createToken(long userId, String tokenHash, String note, Instant expiresAt, String scopes);

  /** The token with this hash and its owner; empty when none has it or it expired at or before {@code now}. */
  Optional<HubTokenOwner> findByTokenHash(String tokenHash, Instant now);

  /** The user's tokens, oldest first. */
  List<HubTokenRecord> tokensOf(long userId);

  /** Deletes token {@code tokenId} if it belongs to {@code userId}; false otherwise. */
  boolean deleteToken(long userId, long tokenId);

  /** Deletes every token that expired at or before {@code now}; returns how many. */
  default int deleteExpiredTokens(Instant now) {
    return 0;
  }

  /** Sets the token's last use to {@code at}; false when there is no such token. */
  boolean touchToken(long tokenId, Instant at);

  // ---- servers

  /**
   * Stores a new server; its id and userName are ignored.
   *
   * @return the server with its id and its owner's name
   * @throws DuplicateNameException when the user already has a server with this name
   * @throws StoreException when there is no user {@code server.userId()}
   */
  HubServerRecord createServer(HubServerRecord server);

  /** The server with this id. */
  Optional<HubServerRecord> server(long id);

  /** The user's server with this name ({@code ""} for the default one). */
  Optional<HubServerRecord> findServer(long userId, String name);

  /** The user's servers, by name. */
  List<HubServerRecord> serversOf(long userId);

  /** Every server in one of these states, oldest id first. */
  List<HubServerRecord> serversIn(Set<HubServerState> states);

  /** Every RUNNING server, oldest id first. */
  default List<HubServerRecord> runningServers() {
    return serversIn(EnumSet.of(HubServerState.RUNNING));
  }

  /**
   * Replaces every column of server {@code server.id()} but id, user and name with the record's
   * values; false when there is no such server.
   */
  boolean updateServer(HubServerRecord server);

  /**
   * Moves the server to {@code state} with this failure reason (null clears it); for STOPPED and
   * FAILED also sets {@code stopped_at = at}. False when there is no such server.
   */
  boolean updateServerState(long id, HubServerState state, String failureReason, Instant at);

  /**
   * Moves the server's last activity forward to {@code at}; an older {@code at} changes nothing.
   * False when nothing changed (no such server, or it had newer activity).
   */
  boolean recordServerActivity(long id, Instant at);

  /** Deletes the server record; false when there is no such server. */
  boolean deleteServer(long id);

  // ---- shared data (table data_mounts)

  /** @throws DuplicateNameException when a data mount of this name exists; nothing is written then */
  default dev.gpuhub.core.data.DataMount createDataMount(dev.gpuhub.core.data.DataMount mount) {
    throw new UnsupportedOperationException("this store keeps no data mounts");
  }

  /** False when there is no such data mount. The data itself is never touched. */
  default boolean deleteDataMount(String name) {
    return false;
  }

  /** Every declared data mount, by name. */
  default List<dev.gpuhub.core.data.DataMount> dataMounts() {
    return List.of();
  }

  // ---- groups (tables hub_groups, hub_group_members)

  /**
   * Makes group {@code name} with these members, in one transaction.
   *
   * @throws DuplicateNameException when the group exists
   * @throws IllegalArgumentException naming a member who is not a user; nothing is written then
   */
  default HubGroupRecord createGroup(String name, java.util.Collection<String> users) {
    throw new UnsupportedOperationException("this store keeps no groups");
  }

  /** False when there is no such group. Its members stay users. */
  default boolean deleteGroup(String name) {
    return false;
  }

  /**
   * Adds members ({@code add}) or removes them; empty when there is no such group.
   *
   * @throws IllegalArgumentException naming a member who is not a user; nothing is changed then
   */
  default Optional<HubGroupRecord> changeGroupMembers(String name, java.util.Collection<String> users, boolean add) {
    return Optional.empty();
  }

  /** The group of this name. */
  default Optional<HubGroupRecord> group(String name) {
    return Optional.empty();
  }

  /** Every group, by name. */
  default List<HubGroupRecord> groups() {
    return List.of();
  }

  /** The names of the groups user {@code user} belongs to, sorted. */
  default List<String> groupsOf(String user) {
    return List.of();
  }

  // ---- quotas and usage (tables hub_quotas, hub_usage)

  /** Sets (or replaces) a user's or a group's quota. */
  default void setQuota(QuotaRecord quota) {
    throw new UnsupportedOperationException("this store keeps no quotas");
  }

  /** False when there was no such quota. */
  default boolean deleteQuota(String scope, String name) {
    return false;
  }

  /** Every quota, users' then groups', by name. */
  default List<QuotaRecord> quotas() {
    return List.of();
  }

  /** Records a server's start, unless its start is recorded and it has not ended (an adopted server). */
  default void usageStarted(dev.gpuhub.core.quota.Usage usage) {}

  /** Records that a user's server ended at {@code at}. */
  default void usageEnded(String user, String server, java.time.Instant at) {}

  /** Usage that overlaps [{@code from}, now): still running, or ended after {@code from}; oldest first. */
  default List<dev.gpuhub.core.quota.Usage> usageSince(java.time.Instant from) {
    return List.of();
  }

  // ---- images (table hub_images)

  /**
   * Declares an image users may start.
   *
   * @throws DuplicateNameException when the reference is declared already
   */
  default void createImage(dev.gpuhub.core.profile.ImageChoice image) {
    throw new UnsupportedOperationException("this store keeps no images");
  }

  /** False when there was no such image. */
  default boolean deleteImage(String reference) {
    return false;
  }

  /** Every declared image, by reference; none means the configured defaults. */
  default List<dev.gpuhub.core.profile.ImageChoice> images() {
    return List.of();
  }
}
