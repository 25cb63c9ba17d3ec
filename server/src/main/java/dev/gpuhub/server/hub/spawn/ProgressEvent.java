package dev.gpuhub.server.hub.spawn;

/**
 * One step of a spawn as JupyterHub's progress stream reports it:
 * {@code {"progress": n, "message": "...", "ready": bool, "failed": bool, "url": "/user/<name>/"}},
 * plus, while the request waits for room, its {@code queue} entry (position, estimate, why), and
 * when the node holding the user's home is not reporting, that node ({@link #homeUnavailable}).
 */
public record ProgressEvent(int progress, String message, boolean ready, boolean failed, String url,
                            dev.gpuhub.core.allocation.QueueEntry queue, String homeUnavailable) {

  public ProgressEvent(int progress, String message, boolean ready, boolean failed, String url,
                       dev.gpuhub.core.allocation.QueueEntry queue) {
    this(progress, message, ready, failed, url, queue, null);
  }

  public static ProgressEvent step(int progress, String message) {
    return new ProgressEvent(progress, message, false, false, null, null);
  }

  /** The request waits in the queue. */
  public static ProgressEvent queued(dev.gpuhub.core.allocation.QueueEntry q) {
    String estimate = q.estimatedSeconds() == null ? "no estimate yet" : "about " + q.estimatedSeconds() + " s";
    return new ProgressEvent(12, "Waiting for room: position " + q.position() + " of " + q.queueLength() + " in the "
        + q.queueClass() + " queue, " + estimate, false, false, null, q);
  }

  public static ProgressEvent ready(String url) {
    return new ProgressEvent(100, "Server ready at " + url, true, false, url, null);
  }

  public static ProgressEvent failure(String reason) {
    return new ProgressEvent(100, "Spawn failed: " + reason, false, true, null, null);
  }

  /**
   * The spawn stopped because {@code node}, which holds the user's home, is not reporting; the
   * stream adds {@code "home_unavailable": {"node", "choices": ["wait", "scratch"]}} so the page can offer them.
   */
  public static ProgressEvent homeUnavailable(String reason, String node) {
    return new ProgressEvent(100, "Spawn failed: " + reason, false, true, null, null, node);
  }

  /** True for the last event of a spawn. */
  public boolean isFinal() {
    return ready || failed;
  }
}
