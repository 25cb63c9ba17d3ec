package dev.gpuhub.store.jdbc;

import dev.gpuhub.store.HubRepository;
import dev.gpuhub.store.HubServerRecord;
import dev.gpuhub.store.HubServerState;
import dev.gpuhub.store.HubTokenOwner;
import dev.gpuhub.store.HubTokenRecord;
import dev.gpuhub.store.HubUserRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * {@link HubRepository} on H2 or PostgreSQL. It shares the connection pool of the
 * {@link JdbcClusterRepository} it comes from ({@link JdbcClusterRepository#hub()}), whose
 * migrations create its tables (V3); closing that repository closes this one.
 */
public final class JdbcHubRepository implements HubRepository {
  private final HubUserTable users;
  private final HubTokenTable tokens;
  private final HubServerTable servers;
  private final DataMountTable dataMounts;
  private final HubGroupTable groups;
  private final QuotaUsageTables quotaUsage;
  private final ImageTable images;

  JdbcHubRepository(DataSource dataSource, SqlDialect dialect, Clock clock, SecretBox box) {
    Jdbc jdbc = new Jdbc(dataSource);
    this.users = new HubUserTable(jdbc, clock);
    this.tokens = new HubTokenTable(jdbc, clock);
    this.servers = new HubServerTable(jdbc, dialect, box);
    this.dataMounts = new DataMountTable(jdbc, dialect);
    this.groups = new HubGroupTable(jdbc, clock);
    this.quotaUsage = new QuotaUsageTables(jdbc);
    this.images = new ImageTable(jdbc);
  }

  @Override
  public dev.gpuhub.core.data.DataMount createDataMount(dev.gpuhub.core.data.DataMount mount) {
    return dataMounts.create(Objects.requireNonNull(mount, "mount"));
  }

  @Override
  public boolean deleteDataMount(String name) {
    return dataMounts.delete(name);
  }

  @Override
  public dev.gpuhub.store.HubGroupRecord createGroup(String name, java.util.Collection<String> users) {
    return groups.create(Objects.requireNonNull(name, "name"), users);
  }

  @Override
  public boolean deleteGroup(String name) {
    return groups.delete(name);
  }

  @Override
  public Optional<dev.gpuhub.store.HubGroupRecord> changeGroupMembers(String name, java.util.Collection<String> users,
                                                                    boolean add) {
    return groups.change(name, users, add);
  }

  @Override
  public Optional<dev.gpuhub.store.HubGroupRecord> group(String name) {
    return groups.find(name);
  }

  @Override
  public List<dev.gpuhub.store.HubGroupRecord> groups() {
    return groups.all();
  }

  @Override
  public List<String> groupsOf(String user) {
    return groups.of(user);
  }

  @Override
  public List<dev.gpuhub.core.data.DataMount> dataMounts() {
    return dataMounts.all();
  }

  @Override
  public HubUserRecord createUser(String name, String passwordHash, boolean admin, boolean approved) {
    return users.create(Objects.requireNonNull(name, "name"), passwordHash, admin, approved);
  }

  @Override
  public boolean setApproved(String name, boolean approved) {
    return users.setApproved(name, approved);
  }

  @Override
  public Optional<HubUserRecord> findUser(String name) {
    return users.find(name);
  }

  @Override
  public List<HubUserRecord> users() {
    return users.all();
  }

  @Override
  public boolean setAdmin(String name, boolean admin) {
    return users.setAdmin(name, admin);
  }

  @Override
  public boolean deleteUser(String name) {
    return users.delete(name);
  }

  @Override
  public boolean recordLogin(String name, Instant at) {
    return users.recordLogin(name, Objects.requireNonNull(at, "at"));
  }

  @Override
  public HubTokenRecord createToken(long userId, String tokenHash, String note, Instant expiresAt, String scopes) {
    return tokens.create(userId, Objects.requireNonNull(tokenHash, "tokenHash"), note, expiresAt, scopes);
  }

  @Override
  public int deleteExpiredTokens(Instant now) {
    return tokens.deleteExpired(Objects.requireNonNull(now, "now"));
  }

  @Override
  public Optional<HubTokenOwner> findByTokenHash(String tokenHash, Instant now) {
    return tokens.findByHash(tokenHash, Objects.requireNonNull(now, "now"));
  }

  @Override
  public List<HubTokenRecord> tokensOf(long userId) {
    return tokens.of(userId);
  }

  @Override
  public boolean deleteToken(long userId, long tokenId) {
    return tokens.delete(userId, tokenId);
  }

  @Override
  public boolean touchToken(long tokenId, Instant at) {
    return tokens.touch(tokenId, Objects.requireNonNull(at, "at"));
  }

  @Override
  public HubServerRecord createServer(HubServerRecord server) {
    return servers.create(server);
  }

  @Override
  public Optional<HubServerRecord> server(long id) {
    return servers.byId(id);
  }

  @Override
  public Optional<HubServerRecord> findServer(long userId, String name) {
    return servers.find(userId, name);
  }

  @Override
  public List<HubServerRecord> serversOf(long userId) {
    return servers.of(userId);
  }

  @Override
  public List<HubServerRecord> serversIn(Set<HubServerState> states) {
    return servers.in(states);
  }

  @Override
  public boolean updateServer(HubServerRecord server) {
    return servers.update(server);
  }

  @Override
  public boolean updateServerState(long id, HubServerState state, String failureReason, Instant at) {
    return servers.updateState(id, Objects.requireNonNull(state, "state"), failureReason,
        Objects.requireNonNull(at, "at"));
  }

  @Override
  public boolean recordServerActivity(long id, Instant at) {
    return servers.recordActivity(id, Objects.requireNonNull(at, "at"));
  }

  @Override
  public boolean deleteServer(long id) {
    return servers.delete(id);
  }

  @Override
  public void setQuota(dev.gpuhub.store.QuotaRecord quota) {
    quotaUsage.set(quota);
  }

  @Override
  public boolean deleteQuota(String scope, String name) {
    return quotaUsage.delete(scope, name);
  }

  @Override
  public List<dev.gpuhub.store.QuotaRecord> quotas() {
    return quotaUsage.all();
  }

  @Override
  public void usageStarted(dev.gpuhub.core.quota.Usage usage) {
    quotaUsage.open(usage);
  }

  @Override
  public void usageEnded(String user, String server, java.time.Instant at) {
    quotaUsage.close(user, server, at);
  }

  @Override
  public List<dev.gpuhub.core.quota.Usage> usageSince(java.time.Instant from) {
    return quotaUsage.since(from);
  }

  @Override
  public void createImage(dev.gpuhub.core.profile.ImageChoice image) {
    images.create(image);
  }

  @Override
  public boolean deleteImage(String reference) {
    return images.delete(reference);
  }

  @Override
  public List<dev.gpuhub.core.profile.ImageChoice> images() {
    return images.all();
  }
}
