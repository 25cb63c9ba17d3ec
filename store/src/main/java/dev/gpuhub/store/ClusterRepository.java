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

/**
 * Durable records (SPEC §3 tables {@code nodes}, {@code node_metrics}, {@code profiles},
 * {@code node_selections}). Implementations are thread-safe, each method is one transaction (all
 * or nothing), and failures surface as {@link StoreException} (unique-name clashes as
 * {@link DuplicateNameException}).
 */
public interface ClusterRepository extends AutoCloseable {

  // ---- nodes and metric history

  /**
   * Upserts the nodes of a batch of heartbeats (the latest per hostname wins; every one of them
   * becomes {@code is_active = true} with {@code last_heartbeat = receivedAt}) and appends one
   * {@code node_metrics} row per heartbeat. One transaction for the whole batch.
   */
  void saveHeartbeats(List<Heartbeat> batch);

  /** Every node ever registered, active or not, by hostname. */
  List<NodeRecord> allNodes();

  Optional<NodeRecord> findNode(String hostname);

  /** Hostnames of nodes currently marked active. */
  List<String> activeHostnames();

  /** Marks these nodes inactive; returns how many changed from active to inactive. */
  int markInactive(Collection<String> hostnames);

  /** The node's newest metric rows, newest first, at most {@code limit}. */
  List<NodeMetricRecord> recentMetrics(String hostname, int limit);

  /** Deletes metric rows recorded before {@code cutoff}; returns how many. */
  int pruneMetricsBefore(Instant cutoff);

  // ---- profiles

  /** Every profile, by id. */
  List<Profile> profiles();

  Optional<Profile> profile(long id);

  Optional<Profile> profileByName(String name);

  /** Stores a new profile (its id is ignored) and returns it with the id the store gave it. */
  Profile createProfile(Profile profile);

  /** Replaces the profile with {@code profile.id()}; empty when no such profile exists. */
  Optional<Profile> updateProfile(Profile profile);

  /** Deletes a profile; false when it did not exist. */
  boolean deleteProfile(long id);

  // ---- selections

  /** Records a placement decision (its id and createdAt are assigned by the store). */
  NodeSelection recordSelection(NodeSelection selection);

  /** The newest selections, newest first, at most {@code limit}. */
  List<NodeSelection> recentSelections(int limit);

  // ---- operations

  /** Whether the store answers now; never throws. */
  StoreHealth health();

  /** When a write of the cluster's records (heartbeats, reservations, ...) last committed; null when none has in this process. */
  default java.time.Instant lastWrite() {
    return null;
  }

  @Override
  void close();
}
