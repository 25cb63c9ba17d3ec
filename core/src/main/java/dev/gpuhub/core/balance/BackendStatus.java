package dev.gpuhub.core.balance;

/**
 * One backend as a {@link BackendPool} sees it at one instant.
 *
 * @param id                  the backend's id
 * @param activeConnections   leases acquired and not yet released
 * @param up                  false while marked down (after a failure, until a success)
 * @param consecutiveFailures failures since the last success
 * @param retryInNanos        for a backend that is down: how long until it is tried again (0 = it may
 *                            be tried now); 0 for one that is up
 */
public record BackendStatus(String id, int activeConnections, boolean up, int consecutiveFailures, long retryInNanos) {}
