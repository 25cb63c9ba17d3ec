/**
 * The broker of seed 004 over plain TCP: {@link dev.gpuhub.broker.BrokerServer} (default
 * port 8000), {@link dev.gpuhub.broker.WorkerServer} (port 9001 + id) and
 * {@link dev.gpuhub.broker.BrokerClient}, byte-compatible with the seed's Python programs.
 *
 * <h2>Wire protocol and framing (the seed's, kept byte for byte)</h2>
 *
 * <ul>
 *   <li>One request per connection. The client connects to the broker and sends
 *       {@code AppID:<Long|Short>:<least_connections|round_robin>} in UTF-8 with <b>no delimiter</b>
 *       (no newline, no length prefix) and does not half-close; it then reads the reply and closes.
 *   <li>The broker opens a new connection to the chosen worker and sends {@code AppID:<Long|Short>},
 *       again without delimiter; the worker answers exactly {@code Response from Worker} (20 bytes,
 *       no newline) and closes. The broker relays the worker's bytes unchanged and closes, so for
 *       every reader the reply ends at end-of-stream.
 *   <li>Since nothing delimits a request, a reader stops at the first of: a newline (accepted and
 *       dropped, for {@code nc} users), end-of-stream, {@value BrokerProtocol#MAX_REQUEST_BYTES} bytes
 *       (the seed's {@code recv(1024)}), the bytes read so far forming a valid request (so a request
 *       split across TCP segments is reassembled), or the bytes read so far being unable to become a
 *       valid one (answered at once). A partial valid prefix waits at most a short grace period for the
 *       rest. Fields are trimmed like the seed's {@code .strip()}; names are case-sensitive.
 *   <li>Errors are one line, {@code ERROR: ...\n}, sent instead of the reply, then the connection is
 *       closed: a malformed request, no worker alive, a busy broker or worker, no request in time.
 * </ul>
 *
 * <p>Unlike the seed: clients are served concurrently (bounded thread pools on both sides), least
 * connections counts connections open now (see {@code dev.gpuhub.core.balance}), a worker that
 * refuses or drops a request is marked down and the request retried on another, and a malformed
 * request gets an error line instead of crashing the broker. A worker is never probed with an empty
 * connection (the seed's worker crashes on one); a worker that is down gets a real request again
 * after its back-off. Everything binds to 127.0.0.1 unless told otherwise.
 */
package dev.gpuhub.broker;
