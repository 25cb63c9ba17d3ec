package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.hub.ServerId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What users are told about their servers' idle GPUs (the home page's banner and
 * {@code GET /hub/api/users/<name>/notices}): a warning before the GPUs go, then that they went and
 * which GPU profile to ask for again. Kept in memory: after a restart of the hub a warning is given
 * again before anything is given back.
 */
public final class GpuNotices {
  /** What happened. */
  public enum Kind { IDLE_WARNING, GPU_RECLAIMED }

  /**
   * @param server     whose server
   * @param kind       warning or reclaimed
   * @param message    for the user
   * @param at         when
   * @param due        for a warning, when the GPUs go unless used; null otherwise
   * @param gpuProfile the GPU profile the server ran on (to ask for it again)
   */
  public record Notice(ServerId server, Kind kind, String message, Instant at, Instant due, String gpuProfile) {}

  private final Map<ServerId, Notice> notices = new ConcurrentHashMap<>();

  void put(Notice notice) {
    notices.put(notice.server(), notice);
  }

  public void clear(ServerId id) {
    notices.remove(id);
  }

  /** Clears only a warning (the GPUs were used again); a reclaim notice stays until the user acts. */
  void clearWarning(ServerId id) {
    notices.computeIfPresent(id, (k, n) -> n.kind() == Kind.IDLE_WARNING ? null : n);
  }

  public Optional<Notice> of(ServerId id) {
    return Optional.ofNullable(notices.get(id));
  }

  /** The user's notices, oldest first. */
  public List<Notice> ofUser(String user) {
    return notices.values().stream().filter(n -> n.server().user().equals(user))
        .sorted(java.util.Comparator.comparing(Notice::at)).toList();
  }
}
