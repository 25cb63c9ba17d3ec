package dev.gpuhub.server.hub.spawn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The progress events of one spawn: appended by the spawner, replayed then followed by each reader
 * of the progress stream, in order. Thread-safe; followers are called under the log's lock and must
 * not block for long.
 */
public final class ProgressLog {
  private final List<ProgressEvent> events = new ArrayList<>();
  private final List<Consumer<ProgressEvent>> followers = new ArrayList<>();

  public synchronized void append(ProgressEvent event) {
    events.add(event);
    for (Consumer<ProgressEvent> f : List.copyOf(followers)) f.accept(event);
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
