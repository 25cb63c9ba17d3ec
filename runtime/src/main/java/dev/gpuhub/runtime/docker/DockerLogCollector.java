package dev.gpuhub.runtime.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.nio.charset.StandardCharsets;

/** Collects log frames (stdout and stderr, in arrival order) into text, keeping only the last {@code maxChars}. */
final class DockerLogCollector extends ResultCallback.Adapter<Frame> {
  private final int maxChars;
  private final StringBuilder text = new StringBuilder();

  DockerLogCollector(int maxChars) {
    this.maxChars = maxChars;
  }

  @Override
  public void onNext(Frame frame) {
    synchronized (text) {
      text.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
      if (text.length() > maxChars) text.delete(0, text.length() - maxChars);
    }
  }

  /** What arrived so far. */
  String text() {
    synchronized (text) {
      return text.toString();
    }
  }
}
