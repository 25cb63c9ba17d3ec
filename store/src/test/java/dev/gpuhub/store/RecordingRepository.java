package dev.gpuhub.store;

import dev.gpuhub.core.node.Heartbeat;
import dev.gpuhub.core.node.NodeMetricRecord;
import dev.gpuhub.core.node.NodeRecord;
import dev.gpuhub.core.placement.NodeSelection;
import dev.gpuhub.core.profile.Profile;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

/**
 * A repository that records every saveHeartbeats call (the batch sizes), can hold the writer inside
 * a call until released, and fails calls a predicate picks. Everything else is unsupported.
 */
final class RecordingRepository implements ClusterRepository {
  final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  final List<Heartbeat> saved = new CopyOnWriteArrayList<>();
  final CountDownLatch entered = new CountDownLatch(1);
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile Predicate<List<Heartbeat>> fails = batch -> false;
  volatile int calls;

  /** Makes the next saveHeartbeats calls wait until {@link #release()}. */
  void hold() {
    gate = new CountDownLatch(1);
  }

  void release() {
    gate.countDown();
  }

  /** Makes calls whose batch matches {@code predicate} throw (the call still counts). */
  void failWhen(Predicate<List<Heartbeat>> predicate) {
    fails = predicate;
  }

  /** Whether failures are a driver's {@link AssertionError} rather than a {@link StoreException}. */
  volatile boolean assertionFailure;

  @Override
  public void saveHeartbeats(List<Heartbeat> batch) {
    calls++;
    entered.countDown();
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (fails.test(batch)) {
      if (assertionFailure) throw new AssertionError("a driver's own assertion, as PostgreSQL's JDBC driver throws with -ea");
      throw new StoreException("simulated failure", null);
    }
    batchSizes.add(batch.size());
    saved.addAll(batch);
  }

  private static UnsupportedOperationException unused() {
    return new UnsupportedOperationException("not used by BatchingHeartbeatWriter");
  }

  @Override public List<NodeRecord> allNodes() { throw unused(); }
  @Override public Optional<NodeRecord> findNode(String hostname) { throw unused(); }
  @Override public List<String> activeHostnames() { throw unused(); }
  @Override public int markInactive(Collection<String> hostnames) { throw unused(); }
  @Override public List<NodeMetricRecord> recentMetrics(String hostname, int limit) { throw unused(); }
  @Override public int pruneMetricsBefore(Instant cutoff) { throw unused(); }
  @Override public List<Profile> profiles() { throw unused(); }
  @Override public Optional<Profile> profile(long id) { throw unused(); }
  @Override public Optional<Profile> profileByName(String name) { throw unused(); }
  @Override public Profile createProfile(Profile profile) { throw unused(); }
  @Override public Optional<Profile> updateProfile(Profile profile) { throw unused(); }
  @Override public boolean deleteProfile(long id) { throw unused(); }
  @Override public NodeSelection recordSelection(NodeSelection selection) { throw unused(); }
  @Override public List<NodeSelection> recentSelections(int limit) { throw unused(); }
  @Override public StoreHealth health() { return new StoreHealth("recording", true, "test"); }
  @Override public void close() {}
}
