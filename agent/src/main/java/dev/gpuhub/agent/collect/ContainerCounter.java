package dev.gpuhub.agent.collect;

import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.runtime.ContainerSummary;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts running containers the way the seed did: all of them, those whose name or image contains
 * "jupyter" and those whose name or image contains "ray" (both ignoring case).
 *
 * <p>{@link #count()} never throws: when the daemon cannot be reached it returns
 * {@link ContainerCounts#ZERO} and logs one warning, then nothing more until the daemon answers again.
 */
public final class ContainerCounter {
  /** Marks a JupyterLab container (seed: active_jupyterlab). */
  public static final String JUPYTER_MARK = "jupyter";
  /** Marks a Ray container (seed: active_ray). */
  public static final String RAY_MARK = "ray";

  private static final Logger LOG = LoggerFactory.getLogger(ContainerCounter.class);

  private final ContainerRuntime runtime;
  private boolean unavailable;

  public ContainerCounter(ContainerRuntime runtime) {
    this.runtime = runtime;
  }

  /** The images the node has (empty: none), or null when the daemon cannot say (not reported then). */
  public List<String> images() {
    try {
      return runtime.images();
    } catch (RuntimeException e) {
      return null; // count() logs the daemon being away
    }
  }

  /** The counts now; zeros when the daemon cannot be reached. */
  public synchronized ContainerCounts count() {
    List<ContainerSummary> running;
    try {
      running = runtime.listRunning();
    } catch (RuntimeException e) {
      if (!unavailable) LOG.warn("reporting 0 containers: {}", e.getMessage());
      unavailable = true;
      return ContainerCounts.ZERO;
    }
    if (unavailable) LOG.info("{} answers again", runtime.describe());
    unavailable = false;
    return ContainerCounts.of(running);
  }
}
