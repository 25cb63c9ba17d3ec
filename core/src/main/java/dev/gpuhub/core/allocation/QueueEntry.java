package dev.gpuhub.core.allocation;

import java.time.Instant;
import java.util.Map;

/**
 * A request waiting for room, as users and admins see it.
 *
 * @param owner            who waits
 * @param profile          the profile asked for; may be null
 * @param queueClass       {@code cpu} or {@code gpu}: each class is one FIFO queue
 * @param position         1 for the next to be served in its class
 * @param queueLength      how many wait in its class
 * @param since            when it started waiting
 * @param deadline         when it gives up
 * @param estimatedSeconds expected wait from the recent pace of releases in its class, or null
 *                         while too few releases have been seen to tell
 * @param why              why it is pending: node to the reason it has no room now, or, behind the
 *                         head of the queue, {@code "queue"} to how many wait ahead
 */
public record QueueEntry(String owner, String profile, String queueClass, int position, int queueLength,
                         Instant since, Instant deadline, Long estimatedSeconds, Map<String, String> why) {}
