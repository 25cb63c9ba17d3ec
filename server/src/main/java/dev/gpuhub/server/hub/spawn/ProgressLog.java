package dev.gpuhub.server.hub.spawn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The progress events of one spawn: appended by the spawner, replayed then followed by each reader
 * of the progress stream, in order. A final event (ready or failed) closes the log: what is appended
 * after it is dropped, so every reader's stream ends with exactly one final event. Thread-safe;
 * followers are called under the log's lock and must not block for long.
 */
public final class ProgressLog {
  private final List<ProgressEvent> events = new ArrayList<>();
  private final List<Consumer<ProgressEvent>> followers = new ArrayList<>();

  /** Appends {@code event} and hands it to the followers; false (dropped) once the log is closed. */
  public synchronized boolean append(ProgressEvent event) {
    if (closed()) return false;
    events.add(event);
    for (Consumer<ProgressEvent> f : List.copyOf(followers)) f.accept(event);
    return true;
  }

  /** Whether a final event was appended. */
  public synchronized boolean closed() {
    return !events.isEmpty() && events.get(events.size() - 1).isFinal();
  }

  /** Replays past events to {@code follower}, then delivers new ones until {@link #unfollow}. */
  public synchronized void follow(Consumer<ProgressEvent> follower) {
    events.forEach(follower);
    followers.add(follower);
  }

  public synchronized void unfollow(Consumer<ProgressEvent> follower) {
    followers.remove(follower);
  }

  public synchronized List<ProgressEvent> events() {
    return List.copyOf(events);
  }

  /** The last event, or null before the first. */
  public synchronized ProgressEvent last() {
    return events.isEmpty() ? null : events.get(events.size() - 1);
  }
}
