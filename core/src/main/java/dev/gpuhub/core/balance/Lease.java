package dev.gpuhub.core.balance;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection to one backend, counted by its {@link BackendPool} from {@link
 * BackendPool#acquire acquire} until the first of {@link #release()}, {@link #succeeded()} or
 * {@link #failed()} (later calls do nothing). {@link #close()} is {@link #release()}, so a
 * try-with-resources block never leaks a count. Safe to end from any thread.
 */
public final class Lease implements AutoCloseable {
  private final BackendPool pool;
  private final BackendPool.Backend backend;
  private final boolean probe;
  private final AtomicBoolean ended = new AtomicBoolean();

  Lease(BackendPool pool, BackendPool.Backend backend, boolean probe) {
    this.pool = pool;
    this.backend = backend;
    this.probe = probe;
  }

  /** The chosen backend's id. */
  public String backendId() {
    return backend.id;
  }

  /** Whether the backend was marked down when chosen: this connection is the trial that may bring it back. */
  public boolean probe() {
    return probe;
  }

  /** Whether this lease has ended (released, succeeded or failed). */
  public boolean ended() {
    return ended.get();
  }

  /** Ends the lease and leaves the backend's health as it is. */
  public void release() {
    if (ended.compareAndSet(false, true)) pool.end(backend, 0);
  }

  /** Ends the lease and marks the backend up (its back-off starts over). */
  public void succeeded() {
    if (ended.compareAndSet(false, true)) pool.end(backend, +1);
  }

  /** Ends the lease and marks the backend down: it is skipped until its back-off has passed. */
  public void failed() {
    if (ended.compareAndSet(false, true)) pool.end(backend, -1);
  }

  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "Lease[" + backend.id + (probe ? ", probe" : "") + (ended() ? ", ended" : "") + "]";
  }
}
