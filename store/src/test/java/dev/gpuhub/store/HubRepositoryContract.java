package dev.gpuhub.store;

import static dev.gpuhub.store.TestData.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.store.jdbc.JdbcClusterRepository;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link HubRepository} must do; subclasses bind it to one database. */
public abstract class HubRepositoryContract {
  /** The clock the repository is opened with: every "now" of the store is {@link TestData#T0}. */
  protected static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
  private static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

  private JdbcClusterRepository cluster;
  protected HubRepository hub;

  /** Makes the next {@link #open()} calls use a new, empty database. */
  protected abstract void useEmptyDatabase();

  /** Opens (and migrates) a repository with {@link #CLOCK} on the current database. */
  protected abstract JdbcClusterRepository open();

  @BeforeEach
  void openRepository() {
    useEmptyDatabase();
    cluster = open();
    hub = cluster.hub();
  }

  @AfterEach
  void closeRepository() {
    cluster.close();
  }

  // ---- users

  @Test
  void imagesAreDeclaredOnceListedAndRemoved() {
    var pytorch = new dev.gpuhub.core.profile.ImageChoice("lab/pytorch:2.3", "PyTorch", java.util.List.of("single-cpu"),
        java.util.List.of("b", "a"));
    hub.createImage(pytorch);
    hub.createImage(dev.gpuhub.core.profile.ImageChoice.of("lab/base:1"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> hub.createImage(dev.gpuhub.core.profile.ImageChoice.of("lab/base:1")))
        .isInstanceOf(DuplicateNameException.class);
    assertThat(hub.images()).containsExactly(dev.gpuhub.core.profile.ImageChoice.of("lab/base:1"), pytorch);
    assertThat(hub.images().get(1).groups()).containsExactly("a", "b");
    assertThat(hub.deleteImage("lab/base:1")).isTrue();
    assertThat(hub.deleteImage("lab/base:1")).isFalse();
    assertThat(hub.images()).containsExactly(pytorch);
  }

  @Test
  void quotasAreSetReplacedAndDeleted() {
    hub.createUser("ada", null, false);
    hub.setQuota(new QuotaRecord(QuotaRecord.USER, "ada", new dev.gpuhub.core.quota.Quota(1, null, 2.5)));
    hub.setQuota(new QuotaRecord(QuotaRecord.GROUP, "lab", new dev.gpuhub.core.quota.Quota(null, 3, null)));
    hub.setQuota(new QuotaRecord(QuotaRecord.USER, "ada", new dev.gpuhub.core.quota.Quota(2, 1, null)));
    assertThat(hub.quotas()).containsExactly(
        new QuotaRecord(QuotaRecord.GROUP, "lab", new dev.gpuhub.core.quota.Quota(null, 3, null)),
        new QuotaRecord(QuotaRecord.USER, "ada", new dev.gpuhub.core.quota.Quota(2, 1, null)));
    assertThat(hub.deleteQuota(QuotaRecord.USER, "ada")).isTrue();
    assertThat(hub.deleteQuota(QuotaRecord.USER, "ada")).isFalse();
    assertThat(hub.quotas()).hasSize(1);
  }

  @Test
  void usageIsOpenedOnceClosedAndReadByPeriod() {
    java.time.Instant t = java.time.Instant.parse("2026-12-01T10:00:00Z");
    hub.usageStarted(new dev.gpuhub.core.quota.Usage("ada", "", "single-gpu", 2, 4, t, null));
    hub.usageStarted(new dev.gpuhub.core.quota.Usage("ada", "", "single-gpu", 2, 4, t.plusSeconds(60), null)); // adopted: kept
    hub.usageStarted(new dev.gpuhub.core.quota.Usage("bo", "", "single-cpu", 0, 0.5, t.minusSeconds(7200), null));
    hub.usageEnded("bo", "", t.minusSeconds(3600));
    assertThat(hub.usageSince(t.minusSeconds(1800))).singleElement()
        .isEqualTo(new dev.gpuhub.core.quota.Usage("ada", "", "single-gpu", 2, 4, t, null));
    hub.usageEnded("ada", "", t.plusSeconds(900));
    assertThat(hub.usageSince(t.minusSeconds(86_400))).extracting(dev.gpuhub.core.quota.Usage::user).containsExactly("bo", "ada");
    assertThat(hub.usageSince(t.minusSeconds(86_400)).get(1).endedAt()).isEqualTo(t.plusSeconds(900));
  }

  @Test
  void dataMountsAreStoredListedByNameRefusedTwiceAndDeclaredAwayWithoutTouchingData() {
    var imagenet = new dev.gpuhub.core.data.DataMount("imagenet", "/srv/gpuhub/data/imagenet", "/data/imagenet", true,
        List.of("gpu-small", "gpu-large"), List.of());
    var project = new dev.gpuhub.core.data.DataMount("ai-lab", "/srv/gpuhub/data/projects/ai", "/project", false,
        List.of(), List.of("ai-lab"));
    hub.createDataMount(imagenet);
    hub.createDataMount(project);
    assertThat(hub.dataMounts()).containsExactly(project, imagenet);
    assertThatThrownBy(() -> hub.createDataMount(imagenet)).isInstanceOf(DuplicateNameException.class)
        .hasMessageContaining("imagenet");
    assertThat(hub.deleteDataMount("imagenet")).isTrue();
    assertThat(hub.deleteDataMount("imagenet")).isFalse();
    assertThat(hub.dataMounts()).containsExactly(project);
  }

  @Test
  void usersAreCreatedFoundAndListedByName() {
    HubUserRecord bob = hub.createUser("bob", HASH, false);
    HubUserRecord alice = hub.createUser("alice", null, true);
    assertThat(bob.id()).isNotEqualTo(alice.id());
    assertThat(bob.createdAt()).isEqualTo(T0);
    assertThat(bob.lastLogin()).isNull();
    assertThat(hub.findUser("bob")).contains(bob);
    assertThat(hub.findUser("alice").orElseThrow().passwordHash()).isNull();
    assertThat(hub.findUser("alice").orElseThrow().admin()).isTrue();
    assertThat(hub.findUser("carol")).isEmpty();
    assertThat(hub.users()).extracting(HubUserRecord::name).containsExactly("alice", "bob");
    assertThat(bob.toString()).doesNotContain(HASH);
  }

  @Test
  void aUserSignedUpUnderApprovalWaitsUntilApproved() {
    assertThat(hub.createUser("bob", HASH, false).approved()).as("approved by default").isTrue();
    HubUserRecord carol = hub.createUser("carol", HASH, false, false);
    assertThat(carol.approved()).isFalse();
    assertThat(hub.findUser("carol")).contains(carol);
    assertThat(hub.setApproved("carol", true)).isTrue();
    assertThat(hub.findUser("carol").orElseThrow().approved()).isTrue();
    assertThat(hub.setApproved("nobody", true)).isFalse();
  }

  @Test
  void aTakenNameIsADuplicateAndWritesNothing() {
    HubUserRecord first = hub.createUser("alice", HASH, false);
    assertThatThrownBy(() -> hub.createUser("alice", "other", true))
        .isInstanceOf(DuplicateNameException.class)
        .hasMessageContaining("'alice'");
    assertThat(hub.users()).containsExactly(first);
  }

  @Test
  void adminFlagAndLoginTimeChange() {
    hub.createUser("alice", HASH, false);
    assertThat(hub.setAdmin("alice", true)).isTrue();
    assertThat(hub.findUser("alice").orElseThrow().admin()).isTrue();
    assertThat(hub.setAdmin("alice", false)).isTrue();
    assertThat(hub.findUser("alice").orElseThrow().admin()).isFalse();
    assertThat(hub.setAdmin("nobody", true)).isFalse();

    Instant login = T0.plusSeconds(60).plusNanos(123_456_789);
    assertThat(hub.recordLogin("alice", login)).isTrue();
    assertThat(hub.findUser("alice").orElseThrow().lastLogin()).isEqualTo(T0.plusSeconds(60).plusNanos(123_456_000));
    assertThat(hub.recordLogin("nobody", login)).isFalse();
  }

  @Test
  void deletingAUserDeletesTheirTokensAndServers() {
    HubUserRecord alice = hub.createUser("alice", HASH, false);
    HubUserRecord bob = hub.createUser("bob", HASH, false);
    hub.createToken(alice.id(), "a".repeat(64), "laptop", null);
    hub.createToken(bob.id(), "b".repeat(64), null, null);
    hub.createServer(server(alice.id(), ""));
    hub.createServer(server(bob.id(), ""));

    assertThat(hub.deleteUser("alice")).isTrue();
    assertThat(hub.deleteUser("alice")).isFalse();
    assertThat(hub.findUser("alice")).isEmpty();
    assertThat(hub.findByTokenHash("a".repeat(64), T0)).isEmpty();
    assertThat(hub.tokensOf(alice.id())).isEmpty();
    assertThat(hub.serversOf(alice.id())).isEmpty();
    assertThat(hub.findByTokenHash("b".repeat(64), T0)).isPresent();
    assertThat(hub.serversOf(bob.id())).hasSize(1);
  }

  @Test
  void usersSurviveAReopen() {
    hub.createUser("alice", HASH, true);
    cluster.close();
    cluster = open();
    hub = cluster.hub();
    assertThat(hub.findUser("alice").orElseThrow().admin()).isTrue();
  }

  // ---- tokens

  @Test
  void aTokenIsFoundByItsHashWithItsOwnerUntilItExpires() {
    HubUserRecord alice = hub.createUser("alice", HASH, false);
    HubTokenRecord forever = hub.createToken(alice.id(), "1".repeat(64), "script", null);
    HubTokenRecord shortLived = hub.createToken(alice.id(), "2".repeat(64), null, T0.plusSeconds(10));
    assertThat(forever.createdAt()).isEqualTo(T0);
    assertThat(forever.note()).isEqualTo("script");

    HubTokenOwner found = hub.findByTokenHash("1".repeat(64), T0.plusSeconds(86_400)).orElseThrow();
    assertThat(found.token()).isEqualTo(forever);
    assertThat(found.user()).isEqualTo(alice);
    assertThat(hub.findByTokenHash("2".repeat(64), T0.plusSeconds(9))).isPresent();
    assertThat(hub.findByTokenHash("2".repeat(64), T0.plusSeconds(10))).isEmpty();
    assertThat(hub.findByTokenHash("3".repeat(64), T0)).isEmpty();
    assertThat(hub.tokensOf(alice.id())).containsExactly(forever, shortLived);
  }

  @Test
  void aTokenKeepsItsScopesAndExpiredTokensArePurged() {
    HubUserRecord alice = hub.createUser("alice", HASH, false);
    HubTokenRecord scoped = hub.createToken(alice.id(), "4".repeat(64), "oauth", T0.plusSeconds(10),
        "access:servers!server=alice/ users:activity!user=alice");
    HubTokenRecord forever = hub.createToken(alice.id(), "5".repeat(64), "script", null);
    assertThat(hub.findByTokenHash("4".repeat(64), T0).orElseThrow().token().scopes())
        .isEqualTo("access:servers!server=alice/ users:activity!user=alice");
    assertThat(forever.scopes()).isNull();
    assertThat(hub.deleteExpiredTokens(T0.plusSeconds(9))).isZero();
    assertThat(hub.deleteExpiredTokens(T0.plusSeconds(10))).isEqualTo(1);
    assertThat(hub.tokensOf(alice.id())).containsExactly(forever);
    assertThat(scoped.id()).isNotEqualTo(forever.id());
  }

  @Test
  void groupsHoldUsersAndAnUnknownMemberChangesNothing() {
    hub.createUser("alice", HASH, false);
    hub.createUser("bob", HASH, false);
    HubGroupRecord physics = hub.createGroup("physics", List.of("bob", "alice"));
    assertThat(physics.users()).containsExactly("alice", "bob");
    assertThat(physics.createdAt()).isEqualTo(T0);
    assertThatThrownBy(() -> hub.createGroup("physics", List.of())).isInstanceOf(DuplicateNameException.class);
    assertThatThrownBy(() -> hub.createGroup("chem", List.of("alice", "nobody"))).hasMessageContaining("nobody");
    assertThat(hub.group("chem")).isEmpty();
    hub.createGroup("chem", List.of());
    assertThatThrownBy(() -> hub.changeGroupMembers("chem", List.of("alice", "nobody"), true)).hasMessageContaining("nobody");
    assertThat(hub.group("chem").orElseThrow().users()).isEmpty();
    assertThat(hub.changeGroupMembers("chem", List.of("alice", "alice"), true).orElseThrow().users()).containsExactly("alice");
    assertThat(hub.groupsOf("alice")).containsExactly("chem", "physics");
    assertThat(hub.changeGroupMembers("physics", List.of("alice"), false).orElseThrow().users()).containsExactly("bob");
    assertThat(hub.changeGroupMembers("none", List.of("alice"), true)).isEmpty();
    assertThat(hub.groups()).extracting(HubGroupRecord::name).containsExactly("chem", "physics");
    assertThat(hub.deleteGroup("physics")).isTrue();
    assertThat(hub.deleteGroup("physics")).isFalse();
    assertThat(hub.findUser("bob")).isPresent();
    assertThat(hub.deleteUser("alice")).isTrue();
    assertThat(hub.group("chem").orElseThrow().users()).isEmpty();
  }

  @Test
  void tokensAreDeletedOnlyByTheirOwnerAndRecordTheirUse() {
    HubUserRecord alice = hub.createUser("alice", HASH, false);
    HubUserRecord bob = hub.createUser("bob", HASH, false);
    HubTokenRecord token = hub.createToken(alice.id(), "1".repeat(64), null, null);

    assertThat(hub.touchToken(token.id(), T0.plusSeconds(5))).isTrue();
    assertThat(hub.tokensOf(alice.id()).get(0).lastUsed()).isEqualTo(T0.plusSeconds(5));
    assertThat(hub.touchToken(token.id() + 1000, T0)).isFalse();

    assertThat(hub.deleteToken(bob.id(), token.id())).isFalse();
    assertThat(hub.findByTokenHash("1".repeat(64), T0)).isPresent();
    assertThat(hub.deleteToken(alice.id(), token.id())).isTrue();
    assertThat(hub.findByTokenHash("1".repeat(64), T0)).isEmpty();
  }

  @Test
  void aRepeatedTokenHashOrAMissingUserIsRefused() {
    HubUserRecord alice = hub.createUser("alice", HASH, false);
    hub.createToken(alice.id(), "1".repeat(64), null, null);
    assertThatThrownBy(() -> hub.createToken(alice.id(), "1".repeat(64), null, null))
        .isInstanceOf(DuplicateNameException.class);
    assertThatThrownBy(() -> hub.createToken(alice.id() + 1000, "2".repeat(64), null, null))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot create a token for hub user #");
    assertThat(hub.tokensOf(alice.id())).hasSize(1);
  }

  // ---- servers

  private static HubServerRecord server(long userId, String name) {
    return HubServerRecord.pending(userId, name, "single-cpu", "gpuhub-notebook:latest",
        List.of("node-a", "node-b"), "/user/x/", "server-secret", T0);
  }

  @Test
  void aServerIsCreatedWithItsOwnerNameAndFoundByUserAndName() {
    HubUserRecord alice = hub.createUser("alice", HASH, false);
    HubServerRecord created = hub.createServer(server(alice.id(), ""));
    assertThat(created.id()).isPositive();
    assertThat(created.userName()).isEqualTo("alice");
    assertThat(created.state()).isEqualTo(HubServerState.PENDING);
    assertThat(created.nodeHostnames()).containsExactly("node-a", "node-b");
    assertThat(created.primaryHostname()).isEqualTo("node-a");
    assertThat(created.serverToken()).isEqualTo("server-secret");
    assertThat(created.startedAt()).isEqualTo(T0);
    assertThat(created.port()).isNull();
    assertThat(created.toString()).doesNotContain("server-secret");

    assertThat(hub.server(created.id())).contains(created);
    assertThat(hub.findServer(alice.id(), "")).contains(created);
    assertThat(hub.findServer(alice.id(), "gpu")).isEmpty();
    HubServerRecord named = hub.createServer(server(alice.id(), "gpu"));
    assertThat(hub.serversOf(alice.id())).containsExactly(created, named);
  }

  @Test
  void aUserHasOneServerPerName() {
    HubUserRecord alice = hub.createUser("alice", HASH, false);
    HubUserRecord bob = hub.createUser("bob", HASH, false);
    hub.createServer(server(alice.id(), ""));
    assertThatThrownBy(() -> hub.createServer(server(alice.id(), "")))
        .isInstanceOf(DuplicateNameException.class)
        .hasMessageContaining("already has a server named ''");
    assertThat(hub.createServer(server(bob.id(), "")).userName()).isEqualTo("bob");
    assertThat(hub.serversOf(alice.id())).hasSize(1);
  }

  @Test
  void updateReplacesTheMutableColumns() {
    HubUserRecord alice = hub.createUser("alice", HASH, false);
    HubServerRecord created = hub.createServer(server(alice.id(), ""));
    HubServerRecord changed = new HubServerRecord(created.id(), created.userId(), "ignored",
        "ignored-name", "multi-gpu", "gpu-image:1", List.of("node-c"), "node-c", "c0ffee",
        "gpuhub-alice", "/user/alice/", 40123, "new-secret", HubServerState.RUNNING,
        T0.plusSeconds(1), T0.plusSeconds(2), null, null);
    assertThat(hub.updateServer(changed)).isTrue();
    HubServerRecord read = hub.server(created.id()).orElseThrow();
    assertThat(read.name()).isEqualTo("");
    assertThat(read.userName()).isEqualTo("alice");
    assertThat(read).usingRecursiveComparison().ignoringFields("name", "userName").isEqualTo(changed);
    assertThat(hub.updateServer(changed.withContainer("x", "y", 1).withState(HubServerState.FAILED,
        T0, "gone"))).isTrue();
    assertThat(hub.updateServer(new HubServerRecord(created.id() + 1000, alice.id(), null, "", null,
        null, null, null, null, null, null, null, null, HubServerState.STOPPED, null, null, null,
        null))).isFalse();
  }

  @Test
  void stateChangesStampTheStopTimeOfFinalStates() {
    HubUserRecord alice = hub.createUser("alice", HASH, false);
    HubServerRecord s = hub.createServer(server(alice.id(), ""));
    assertThat(hub.updateServerState(s.id(), HubServerState.RUNNING, null, T0.plusSeconds(3))).isTrue();
    assertThat(hub.server(s.id()).orElseThrow().stoppedAt()).isNull();
    assertThat(hub.runningServers()).extracting(HubServerRecord::id).containsExactly(s.id());

    assertThat(hub.updateServerState(s.id(), HubServerState.FAILED, "image not found", T0.plusSeconds(9))).isTrue();
    HubServerRecord failed = hub.server(s.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(HubServerState.FAILED);
    assertThat(failed.failureReason()).isEqualTo("image not found");
    assertThat(failed.stoppedAt()).isEqualTo(T0.plusSeconds(9));
    assertThat(hub.runningServers()).isEmpty();
    assertThat(hub.updateServerState(s.id() + 1000, HubServerState.STOPPED, null, T0)).isFalse();
  }

  @Test
  void serversAreListedByState() {
    HubUserRecord alice = hub.createUser("alice", HASH, false);
    HubUserRecord bob = hub.createUser("bob", HASH, false);
    HubServerRecord a = hub.createServer(server(alice.id(), ""));
    HubServerRecord b = hub.createServer(server(bob.id(), ""));
    hub.updateServerState(b.id(), HubServerState.STOPPING, null, T0);
    assertThat(hub.serversIn(EnumSet.of(HubServerState.PENDING, HubServerState.STOPPING)))
        .extracting(HubServerRecord::id).containsExactly(a.id(), b.id());
    assertThat(hub.serversIn(EnumSet.of(HubServerState.STOPPING)))
        .extracting(HubServerRecord::userName).containsExactly("bob");
    assertThat(hub.serversIn(EnumSet.noneOf(HubServerState.class))).isEmpty();
  }

  @Test
  void activityOnlyMovesForwardAndDeleteRemovesTheRecord() {
    HubUserRecord alice = hub.createUser("alice", HASH, false);
    HubServerRecord s = hub.createServer(server(alice.id(), ""));
    assertThat(hub.recordServerActivity(s.id(), T0.plusSeconds(10))).isTrue();
    assertThat(hub.recordServerActivity(s.id(), T0.plusSeconds(5))).isFalse();
    assertThat(hub.server(s.id()).orElseThrow().lastActivity()).isEqualTo(T0.plusSeconds(10));
    assertThat(hub.recordServerActivity(s.id(), T0.plusSeconds(11))).isTrue();
    assertThat(hub.server(s.id()).orElseThrow().lastActivity()).isEqualTo(T0.plusSeconds(11));

    assertThat(hub.deleteServer(s.id())).isTrue();
    assertThat(hub.deleteServer(s.id())).isFalse();
    assertThat(hub.server(s.id())).isEmpty();
    assertThat(hub.findUser("alice")).isPresent();
  }
}
