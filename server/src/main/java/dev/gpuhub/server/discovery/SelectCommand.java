package dev.gpuhub.server.discovery;

import dev.gpuhub.core.placement.SelectionAlgorithm;

/**
 * A validated {@code POST /select-nodes} body.
 *
 * @param profileRef  profile id (digits) or name
 * @param userId      who the nodes are for
 * @param sessionId   caller's session id, or null
 * @param numNodes    nodes wanted, or null for the profile's minimum
 * @param algorithm   algorithm for this request, or null for the configured default
 * @param strict      strict thresholds for this request, or null for the configured default
 */
public record SelectCommand(
    String profileRef, String userId, String sessionId, Integer numNodes,
    SelectionAlgorithm algorithm, Boolean strict) {}
