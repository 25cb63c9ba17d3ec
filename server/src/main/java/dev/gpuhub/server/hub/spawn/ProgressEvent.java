package dev.gpuhub.server.hub.spawn;

/**
 * One step of a spawn as JupyterHub's progress stream reports it:
 * {@code {"progress": n, "message": "...", "ready": bool, "failed": bool, "url": "/user/<name>/"}}.
 */
public record ProgressEvent(int progress, String message, boolean ready, boolean failed, String url) {

  public static ProgressEvent step(int progress, String message) {
    return new ProgressEvent(progress, message, false, false, null);
  }

  public static ProgressEvent ready(String url) {
    return new ProgressEvent(100, "Server ready at " + url, true, false, url);
  }

  public static ProgressEvent failure(String reason) {
    return new ProgressEvent(100, "Spawn failed: " + reason, false, true, null);
  }

  /** True for the last event of a spawn. */
  public boolean isFinal() {
    return ready || failed;
  }
}
