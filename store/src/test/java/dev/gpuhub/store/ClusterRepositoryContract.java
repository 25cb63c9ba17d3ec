package dev.gpuhub.store;

import static dev.gpuhub.store.TestData.GPU;
import static dev.gpuhub.store.TestData.T0;
import static dev.gpuhub.store.TestData.heartbeat;
import static dev.gpuhub.store.TestData.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.node.Heartbeat;
import dev.gpuhub.core.node.NodeMetricRecord;
import dev.gpuhub.core.node.NodeRecord;
import dev.gpuhub.core.placement.NodeSelection;
import dev.gpuhub.core.profile.DefaultProfiles;
import dev.gpuhub.core.profile.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ClusterRepository} must do; subclasses bind it to one database. */
public abstract class ClusterRepositoryContract {
  protected ClusterRepository repo;

  /** Makes the next {@link #open()} calls use a new, empty database. */
  protected abstract void useEmptyDatabase();

  /** Opens (and migrates) a repository on the current database; may be called again after close. */
  protected abstract ClusterRepository open();

  /** Health kind of this adapter. */
  protected abstract String kind();

  @BeforeEach
  void openRepository() {
    useEmptyDatabase();
    repo = open();
  }

  @AfterEach
  void closeRepository() {
    repo.close();
  }

  private static Profile labProfile(String name) {
    return new Profile(0, name, "Lab " + name, "for tests", 1.5, 3, true, 1, 2, 70, 75);
  }

  // ---- nodes and metrics

  @Test
  void saveHeartbeatsUpsertsNodesAndAppendsMetricRows() {
    repo.saveHeartbeats(List.of(
        heartbeat(report("h1", "10.0.0.1", 30.0, List.of(GPU)), T0),
        heartbeat(report("h2"), T0)));
    NodeRecord first = repo.findNode("h1").orElseThrow();
    assertThat(first.ip()).isEqualTo("10.0.0.1");
    assertThat(first.cpuCores()).isEqualTo(16);
    assertThat(first.ramGb()).isEqualTo(64.0);
    assertThat(first.hasGpu()).isTrue();
    assertThat(first.gpuInfo()).containsExactly(GPU);
    assertThat(first.isActive()).isTrue();
    assertThat(first.maxContainers()).isEqualTo(10);
    assertThat(first.lastHeartbeat()).isEqualTo(T0);
    assertThat(first.createdAt()).isNotNull();

    Heartbeat later = heartbeat(report("h1", "10.0.0.9", null, List.of()), T0.plusSeconds(15));
    repo.saveHeartbeats(List.of(later));
    NodeRecord updated = repo.findNode("h1").orElseThrow();
    assertThat(updated.id()).isEqualTo(first.id());
    assertThat(updated.createdAt()).isEqualTo(first.createdAt());
    assertThat(updated.ip()).isEqualTo("10.0.0.9");
    assertThat(updated.gpuInfo()).isEmpty();
    assertThat(updated.lastHeartbeat()).isEqualTo(T0.plusSeconds(15));
    assertThat(repo.allNodes()).extracting(NodeRecord::hostname).containsExactly("h1", "h2");

    List<NodeMetricRecord> metrics = repo.recentMetrics("h1", 10);
    assertThat(metrics).extracting(NodeMetricRecord::recordedAt).containsExactly(T0.plusSeconds(15), T0);
    assertThat(metrics.get(0)).isEqualTo(new NodeMetricRecord(first.id(), null, 40.0, null, 2, 1, 3,
        42.5, T0.plusSeconds(15)));
    assertThat(metrics.get(1).cpuUsagePercent()).isEqualTo(30.0);
  }

  @Test
  void theLatestReportPerHostnameWinsInsideOneBatch() {
    repo.saveHeartbeats(List.of(
        heartbeat(report("h1", "10.0.0.1", 10.0, List.of()), T0),
        heartbeat(report("h1", "10.0.0.3", 30.0, List.of()), T0.plusSeconds(30)),
        heartbeat(report("h1", "10.0.0.2", 20.0, List.of()), T0.plusSeconds(15))));
    NodeRecord node = repo.findNode("h1").orElseThrow();
    assertThat(node.ip()).isEqualTo("10.0.0.3");
    assertThat(node.lastHeartbeat()).isEqualTo(T0.plusSeconds(30));
    assertThat(repo.recentMetrics("h1", 10)).extracting(NodeMetricRecord::cpuUsagePercent)
        .containsExactly(30.0, 20.0, 10.0);
  }

  @Test
  void aLargeBatchOfManyNodesIsWrittenWhole() {
    List<Heartbeat> batch = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (int n = 0; n < 700; n++) batch.add(heartbeat("node-" + n, T0.plusSeconds(round)));
    }
    repo.saveHeartbeats(batch);
    repo.saveHeartbeats(batch.subList(0, 700)); // every id now comes from the cache
    assertThat(repo.allNodes()).hasSize(700);
    assertThat(repo.recentMetrics("node-699", 10)).hasSize(4);
  }

  @Test
  void emptyBatchAndUnknownNodesAreHarmless() {
    repo.saveHeartbeats(List.of());
    assertThat(repo.allNodes()).isEmpty();
    assertThat(repo.findNode("nope")).isEmpty();
    assertThat(repo.recentMetrics("nope", 5)).isEmpty();
    assertThat(repo.markInactive(List.of())).isZero();
  }

  @Test
  void markInactiveCountsOnlyChangesAndANewHeartbeatReactivates() {
    repo.saveHeartbeats(List.of(heartbeat("h1", T0), heartbeat("h2", T0), heartbeat("h3", T0)));
    assertThat(repo.activeHostnames()).containsExactly("h1", "h2", "h3");
    assertThat(repo.markInactive(List.of("h1", "h3", "unknown"))).isEqualTo(2);
    assertThat(repo.markInactive(List.of("h1"))).isZero();
    assertThat(repo.activeHostnames()).containsExactly("h2");
    assertThat(repo.findNode("h1")).map(NodeRecord::isActive).contains(false);
    assertThat(repo.allNodes()).hasSize(3);

    repo.saveHeartbeats(List.of(heartbeat("h1", T0.plusSeconds(60))));
    assertThat(repo.activeHostnames()).containsExactly("h1", "h2");
  }

  @Test
  void pruneDeletesOnlyOlderMetricRows() {
    for (int i = 0; i < 3; i++) repo.saveHeartbeats(List.of(heartbeat("h1", T0.plus(Duration.ofDays(i)))));
    assertThat(repo.pruneMetricsBefore(T0.plus(Duration.ofDays(1)))).isEqualTo(1);
    assertThat(repo.recentMetrics("h1", 10)).extracting(NodeMetricRecord::recordedAt)
        .containsExactly(T0.plus(Duration.ofDays(2)), T0.plus(Duration.ofDays(1)));
    assertThat(repo.recentMetrics("h1", 1)).hasSize(1);
    assertThat(repo.findNode("h1")).isPresent();
  }

  // ---- profiles

  @Test
  void theFourDefaultProfilesExistAfterMigration() {
    assertThat(repo.profiles()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("id")
        .containsExactlyElementsOf(DefaultProfiles.all());
    assertThat(repo.profileByName("single-gpu")).map(Profile::gpuRequired).contains(true);
    assertThat(repo.profiles()).extracting(Profile::placementPolicy).containsOnlyNulls();
  }

  @Test
  void thePlacementPolicyIsStoredReadAndUpdated() {
    Profile packed = repo.createProfile(new Profile(0, "packed", "Packed", null, 2, 4, true, 1, 3, 80, 85, "pack"));
    assertThat(packed.placementPolicy()).isEqualTo("pack");
    assertThat(repo.profile(packed.id())).contains(packed);
    assertThat(repo.profileByName("packed")).map(Profile::placementPolicy).contains("pack");
    assertThat(repo.profiles()).filteredOn(p -> p.name().equals("packed")).containsExactly(packed);

    Profile roundRobin = new Profile(packed.id(), "packed", "Packed", null, 2, 4, true, 1, 3, 80, 85,
        "round_robin");
    assertThat(repo.updateProfile(roundRobin)).contains(roundRobin);
    assertThat(repo.profile(packed.id())).map(Profile::placementPolicy).contains("round_robin");

    Profile serverDefault = new Profile(packed.id(), "packed", "Packed", null, 2, 4, true, 1, 3, 80, 85);
    assertThat(repo.updateProfile(serverDefault)).contains(serverDefault);
    assertThat(repo.profileByName("packed")).contains(serverDefault);
    assertThat(repo.profileByName("packed").orElseThrow().placementPolicy()).isNull();

    Profile spread = repo.createProfile(labProfile("lab"));
    assertThat(repo.profile(spread.id()).orElseThrow().placementPolicy()).isNull();
  }

  @Test
  void aTooLongPlacementPolicyIsRejectedAndNothingIsWritten() {
    assertThatThrownBy(() -> repo.createProfile(
        new Profile(0, "odd", "Odd", null, 1, 1, false, 1, 1, 80, 85, "p".repeat(51))))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot create profile 'odd'");
    assertThat(repo.profileByName("odd")).isEmpty();
  }

  @Test
  void profilesCanBeCreatedReadUpdatedAndDeleted() {
    Profile created = repo.createProfile(labProfile("lab"));
    assertThat(created.id()).isPositive();
    assertThat(repo.profile(created.id())).contains(created);
    assertThat(repo.profileByName("lab")).contains(created);

    Profile changed = new Profile(created.id(), "lab-2", "Lab 2", null, 8, 32, false, 2, 4, 60, 60);
    assertThat(repo.updateProfile(changed)).contains(changed);
    assertThat(repo.profile(created.id())).contains(changed);
    assertThat(repo.profileByName("lab")).isEmpty();

    assertThat(repo.deleteProfile(created.id())).isTrue();
    assertThat(repo.deleteProfile(created.id())).isFalse();
    assertThat(repo.profile(created.id())).isEmpty();
    assertThat(repo.profiles()).hasSize(4);
  }

  @Test
  void aProfileKeepsItsLimitsGpusAndGroups() {
    Profile p = repo.createProfile(new Profile(0, "two-a100", "Two A100", "d", 2, 8, 2, 1, 1, 80, 85, "pack", 16, 64,
        "*A100*", 40, List.of("gpu-users", "chem"), false));
    Profile stored = repo.profile(p.id()).orElseThrow();
    assertThat(stored).isEqualTo(p);
    assertThat(stored.groups()).containsExactly("chem", "gpu-users");
    Profile opened = stored.withGroups(List.of()).withGpus(4, dev.gpuhub.core.profile.GpuConstraint.ANY).withLimits(4, 8);
    assertThat(repo.updateProfile(opened)).contains(opened);
    assertThat(repo.profile(p.id())).contains(opened);
    assertThat(repo.profile(p.id()).orElseThrow().gpuModel()).isNull();
  }

  @Test
  void updatingAnUnknownProfileChangesNothing() {
    assertThat(repo.updateProfile(labProfile("ghost").withId(987_654))).isEmpty();
    assertThat(repo.profileByName("ghost")).isEmpty();
  }

  @Test
  void aDuplicateNameIsRejectedAndNothingIsWritten() {
    assertThatThrownBy(() -> repo.createProfile(labProfile("single-gpu")))
        .isInstanceOf(DuplicateNameException.class)
        .hasMessage("profile name 'single-gpu' is already taken");
    assertThat(repo.profiles()).hasSize(4);
    assertThat(repo.profileByName("single-gpu")).map(Profile::displayName).contains("Single GPU");

    Profile lab = repo.createProfile(labProfile("lab"));
    assertThatThrownBy(() -> repo.updateProfile(labProfile("multi-cpu").withId(lab.id())))
        .isInstanceOf(DuplicateNameException.class)
        .hasMessage("profile name 'multi-cpu' is already taken");
    assertThat(repo.profile(lab.id())).contains(lab);
  }

  @Test
  void otherSqlFailuresBecomeStoreExceptionsNamingTheOperation() {
    assertThatThrownBy(() -> repo.createProfile(labProfile("x".repeat(500))))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot create profile 'xxx");
    assertThat(repo.profiles()).hasSize(4);
  }

  @Test
  void aDeletedDefaultProfileStaysDeletedAfterRestart() {
    long id = repo.profileByName("single-gpu").orElseThrow().id();
    assertThat(repo.deleteProfile(id)).isTrue();
    repo.close();
    repo = open();
    assertThat(repo.profileByName("single-gpu")).isEmpty();
    assertThat(repo.profiles()).extracting(Profile::name)
        .containsExactly("single-cpu", "multi-cpu", "multi-gpu");
  }

  @Test
  void nodesSurviveARestart() {
    repo.saveHeartbeats(List.of(heartbeat("h1", T0)));
    repo.close();
    repo = open();
    assertThat(repo.findNode("h1")).isPresent();
    repo.saveHeartbeats(List.of(heartbeat("h1", T0.plusSeconds(15))));
    assertThat(repo.recentMetrics("h1", 5)).hasSize(2);
  }

  // ---- selections and health

  @Test
  void selectionsAreRecordedAndListedNewestFirst() {
    NodeSelection first = repo.recordSelection(
        new NodeSelection(0, 2L, "alice", "s-1", List.of("h2", "h1"), "round_robin", null));
    NodeSelection second = repo.recordSelection(
        new NodeSelection(0, null, "bob", null, List.of("h3"), "best_fit", null));
    assertThat(first.id()).isPositive();
    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(first.createdAt()).isNotNull();
    assertThat(second.createdAt()).isAfterOrEqualTo(first.createdAt());

    assertThat(repo.recentSelections(10)).containsExactly(second, first);
    assertThat(repo.recentSelections(1)).containsExactly(second);
    assertThat(repo.recentSelections(10).get(1).selectedNodes()).containsExactly("h2", "h1");
  }

  @Test
  void healthIsOkAndNamesTheAdapter() {
    StoreHealth health = repo.health();
    assertThat(health.ok()).as(health.toString()).isTrue();
    assertThat(health.kind()).isEqualTo(kind());
    assertThat(health.detail()).startsWith("jdbc:");
  }
}
