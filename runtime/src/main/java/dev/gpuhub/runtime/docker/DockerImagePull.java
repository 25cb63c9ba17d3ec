package dev.gpuhub.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.PullResponseItem;
import dev.gpuhub.runtime.ImagePullException;
import dev.gpuhub.core.node.PullProgress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One {@code docker pull} through the daemon's API, its per-layer status lines summed into
 * {@link PullProgress} reports (at most one per {@link #REPORT_EVERY}, and a last one when done).
 */
final class DockerImagePull {
  /** How often progress is reported while layers download. */
  static final Duration REPORT_EVERY = Duration.ofMillis(500);

  private final Map<String, Layer> layers = new LinkedHashMap<>();
  private final Consumer<PullProgress> progress;
  private long lastReport;

  /** One layer's download: bytes so far of its size (0 until known), and whether it is in place. */
  private static final class Layer {
    long current;
    long total;
    boolean done;
  }

  private DockerImagePull(Consumer<PullProgress> progress) {
    this.progress = progress;
  }

  /**
   * Pulls {@code reference} with {@code client}.
   *
   * @throws ImagePullException with the daemon's or the registry's reason
   */
  static void pull(DockerClient client, String reference, Consumer<PullProgress> progress) {
    DockerImagePull pull = new DockerImagePull(progress);
    String[] repoAndTag = split(reference);
    try {
      var cmd = client.pullImageCmd(repoAndTag[0]);
      if (repoAndTag[1] != null) cmd = cmd.withTag(repoAndTag[1]);
      cmd.exec(new ResultCallback.Adapter<PullResponseItem>() {
        @Override
        public void onNext(PullResponseItem item) {
          pull.seen(item);
        }
      }).awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImagePullException("the pull of " + reference + " was interrupted", e);
    } catch (DockerException e) {
      throw new ImagePullException("pulling " + reference + " failed: " + DockerMapping.daemonMessage(e), e);
    } catch (RuntimeException e) { // the stream's own errors (unknown manifest, registry unreachable)
      throw new ImagePullException("pulling " + reference + " failed: " + e.getMessage(), e);
    }
    pull.report(true);
  }

  /** {@code [repository, tag]}: the tag after the last ':' of the last path part, {@code latest} when none; no tag for a digest. */
  static String[] split(String reference) {
    if (reference.contains("@")) return new String[] {reference, null};
    int slash = reference.lastIndexOf('/');
    int colon = reference.lastIndexOf(':');
    if (colon > slash) return new String[] {reference.substring(0, colon), reference.substring(colon + 1)};
    return new String[] {reference, "latest"};
  }

  private synchronized void seen(PullResponseItem item) {
    if (item.getErrorDetail() != null) {
      throw new ImagePullException("the registry said: " + item.getErrorDetail().getMessage(), null);
    }
    String id = item.getId();
    String status = item.getStatus();
    if (id == null || status == null || status.startsWith("Pulling from")) return;
    Layer layer = layers.computeIfAbsent(id, k -> new Layer());
    var detail = item.getProgressDetail();
    if (status.startsWith("Downloading") && detail != null) {
      if (detail.getTotal() != null && detail.getTotal() > 0) layer.total = detail.getTotal();
      if (detail.getCurrent() != null) layer.current = detail.getCurrent();
    } else if (status.equals("Download complete") || status.equals("Pull complete") || status.equals("Already exists")) {
      layer.done = status.equals("Pull complete") || status.equals("Already exists") || layer.done;
      if (layer.total > 0) layer.current = layer.total;
    }
    report(false);
  }

  private synchronized void report(boolean last) {
    long now = System.nanoTime();
    if (!last && now - lastReport < REPORT_EVERY.toNanos()) return;
    lastReport = now;
    int done = 0;
    long bytes = 0;
    long total = 0;
    for (Layer l : layers.values()) {
      if (l.done || last) done++;
      bytes += last && l.total > 0 ? l.total : l.current;
      total += l.total;
    }
    progress.accept(new PullProgress(done, layers.size(), bytes, total));
  }
}
