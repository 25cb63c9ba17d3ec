/**
 * Pure balancing strategies over N backends named by id (the broker of seed 004 today, the
 * service proxy's {@code /svc/<name>/} later): {@link dev.gpuhub.core.balance.Strategy round robin
 * and least connections}, per-backend connection counting through
 * {@link dev.gpuhub.core.balance.Lease leases}, and passive health (a backend that fails is marked
 * down, skipped, and tried again after a {@link dev.gpuhub.core.balance.BackoffPolicy back-off}).
 * No I/O, no threads; {@link dev.gpuhub.core.balance.BackendPool} is safe to share between threads.
 */
package dev.gpuhub.core.balance;
