package dev.gpuhub.runtime;

import java.time.Instant;

/**
 * One of gpuhub's named volumes on a node (a user's home) and what it holds.
 *
 * @param name      the volume's name
 * @param sizeBytes bytes in its files, or -1 when the node cannot read its directory
 * @param modified  when a file in it last changed, or null when unknown or empty
 */
public record StoredVolume(String name, long sizeBytes, Instant modified) {}
