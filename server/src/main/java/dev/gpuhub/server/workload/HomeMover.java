package dev.gpuhub.server.workload;

import dev.gpuhub.wire.node.VolumeManifest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a user's home volume from one node to another through their agents: the original's
 * manifest (every file's size and SHA-256) is taken first, its archive is streamed through the
 * control plane into the volume of that name on the target (created when missing; files already
 * there from an earlier stay are kept unless the move replaces them), then the target's manifest
 * must hold every file of the original, byte for byte. Only then is the original removed. Any
 * failure leaves the original untouched and says what happened in a {@link HomeMoveException}.
 */
public final class HomeMover {
  private static final Logger LOG = LoggerFactory.getLogger(HomeMover.class);
  /** Progress is reported at least this often, in bytes of archive streamed. */
  static final long PROGRESS_STEP_BYTES = 32L * 1024 * 1024;

  /** What a move carried and how long it took. */
  public record Moved(int files, long bytes, Duration took, boolean originalRemoved) {}

  /** A move that did not complete; the message says what happened and that the original is intact. */
  public static final class HomeMoveException extends LaunchException {
    public HomeMoveException(String message) {
      super(message);
    }
  }

  private final AgentClient agents;

  public HomeMover(AgentClient agents) {
    this.agents = agents;
  }

  /**
   * Moves volume {@code volume} from {@code from} to {@code to}, reporting progress lines to
   * {@code progress}. Empty when {@code from} holds no such volume (nothing to move).
   *
   * @throws HomeMoveException when the copy cannot be made or verified; the original is kept
   */
  public Optional<Moved> move(String volume, AgentEndpoint from, AgentEndpoint to, Consumer<String> progress) {
    long started = System.nanoTime();
    String route = " from " + from.hostname() + " to " + to.hostname();
    VolumeManifest original;
    try {
      Optional<VolumeManifest> found = agents.volumeManifest(from, volume);
      if (found.isEmpty()) return Optional.empty();
      original = found.get();
    } catch (AgentCallException e) {
      throw failed(from, "could not read the original on " + from.hostname() + ": " + e.getMessage());
    }
    progress.accept("Moving your home" + route + ": " + original.files().size() + " files, " + mb(original.totalBytes()));
    try (InputStream archive = agents.exportVolume(from, volume)
        .orElseThrow(() -> failed(from, "the original on " + from.hostname() + " vanished"));
         InputStream counted = new Counting(archive, original.totalBytes(), route, progress)) {
      agents.importVolume(to, volume, counted);
    } catch (AgentCallException e) {
      throw failed(from, "copying it" + route + " failed: " + e.getMessage());
    } catch (IOException e) {
      throw failed(from, "copying it" + route + " failed: " + e);
    }
    VolumeManifest copy;
    try {
      copy = agents.volumeManifest(to, volume)
          .orElseThrow(() -> failed(from, "the copy on " + to.hostname() + " is missing after the transfer"));
    } catch (AgentCallException e) {
      throw failed(from, "could not check the copy on " + to.hostname() + ": " + e.getMessage());
    }
    List<VolumeManifest.Entry> differ = original.missingFrom(copy);
    if (!differ.isEmpty()) {
      throw failed(from, "the copy on " + to.hostname() + " differs from the original in " + differ.size()
          + " file(s), e.g. " + differ.get(0).path());
    }
    boolean removed = false;
    try {
      removed = agents.removeVolume(from, volume);
    } catch (AgentCallException e) { // in use there (a job, a kernel host): the verified copy serves anyway
      LOG.warn("the original of {} on {} stays: {}", volume, from.hostname(), e.getMessage());
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    progress.accept("Moved your home" + route + ": " + original.files().size() + " files, " + mb(original.totalBytes())
        + ", checksums equal, in " + took.toMillis() / 1000.0 + " s");
    LOG.atInfo().addKeyValue("volume", volume).addKeyValue("from", from.hostname()).addKeyValue("to", to.hostname())
        .addKeyValue("files", original.files().size()).addKeyValue("bytes", original.totalBytes())
        .addKeyValue("millis", took.toMillis()).log("home moved and verified");
    return Optional.of(new Moved(original.files().size(), original.totalBytes(), took, removed));
  }

  private static HomeMoveException failed(AgentEndpoint from, String what) {
    return new HomeMoveException("moving your home failed: " + what + ". Your files on " + from.hostname()
        + " are intact");
  }

  static String mb(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  /** Reports every {@link #PROGRESS_STEP_BYTES} streamed. */
  private static final class Counting extends FilterInputStream {
    private final long total;
    private final String route;
    private final Consumer<String> progress;
    private long read;
    private long nextReport = PROGRESS_STEP_BYTES;

    Counting(InputStream in, long total, String route, Consumer<String> progress) {
      super(in);
      this.total = total;
      this.route = route;
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) count(1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) count(n);
      return n;
    }

    private void count(long n) {
      read += n;
      if (read >= nextReport) {
        nextReport += PROGRESS_STEP_BYTES;
        progress.accept("Moving your home" + route + ": " + mb(Math.min(read, total)) + " of " + mb(total));
      }
    }
  }
}
