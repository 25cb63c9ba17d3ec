package dev.gpuhub.agent.api;

import java.time.Duration;

/**
 * The agent's node API: how the control plane manages this node's containers. The seed opened
 * every node's Docker daemon on unauthenticated TCP port 2375; we do not. Only the agent talks to
 * its Docker socket, and it offers this small authenticated HTTP API instead.
 *
 * <p>Every request needs {@code Authorization: Bearer <GPUHUB_AGENT_TOKEN>}; without it the answer
 * is 401 {@code {"error": ...}} whatever the path. Bodies and answers are JSON with snake_case
 * names; errors are {@code {"error": "<what and how to fix>"}}, plus {@code "field"} for a bad value.
 *
 * <pre>
 * POST   /containers                 body {name, image, command[], env{}, labels{}, cpus, memory_bytes,
 *                                    gpu_device_uuids[]} (name, image required; unknown fields refused)
 *                                    201 {"id", "name"} | 400 {"error","field"} | 404 image missing
 *                                    | 409 name in use | 413 body over 1 MiB | 500 start failed | 503 Docker down
 * GET    /containers?label=KEY       200 {"containers": [ContainerInfo...]}, running and stopped, that carry
 *                                    label KEY (default: every gpuhub container)
 * GET    /containers/ID_OR_NAME      200 ContainerInfo | 404
 * DELETE /containers/ID_OR_NAME      stop (grace 5 s) + remove: 200 {"removed": true, "id"};
 *                                    200 {"removed": false} when there is no such container; 404 for a
 *                                    container gpuhub does not manage
 * GET    /containers/ID/logs?lines=N text/plain, the last N (default 50, 1..10000) lines of stdout+stderr
 * GET    /volumes                    200 {"volumes": [{"name", "size_bytes", "modified"}]}: gpuhub's named volumes
 * GET    /volumes/NAME               200 {"name", "size_bytes", "modified"} | 404
 * DELETE /volumes/NAME               200 {"removed"} | 409 in use
 * GET    /volumes/NAME/archive       200 application/x-tar, the files under data/ with owners and modes | 404
 * PUT    /volumes/NAME/archive       body such a tar: its files written into the volume (created when
 *                                    missing; same paths replaced, others kept) 200 {"name"} | 409 not gpuhub's
 * GET    /volumes/NAME/manifest      200 {"files": [{"path", "size", "sha256"}], "total_bytes"} | 404
 * POST   /images/pull                body {"image"}: pulls it onto the node; 200 application/x-ndjson,
 *                                    {"layers_done","layers_total","bytes_done","bytes_total"} per report,
 *                                    then {"done": true, "image"} or {"error"} | 400 bad reference
 *                                    | 502 refused before any progress | 501 runtime cannot pull
 *
 * ContainerInfo = {"id", "name", "image", "state", "exit_code", "started_at", "labels"}
 * </pre>
 *
 * <p><b>Only gpuhub's containers.</b> The agent puts the label {@value #MANAGED_LABEL}={@value
 * #MANAGED_VALUE} on every container it starts (a value sent by the caller is overwritten), and
 * this API only lists, inspects, stops, removes or shows logs of containers carrying it. Any other
 * container on the node (the operator's own, the database next door) answers 404 as if it did not
 * exist, so a leaked token cannot be used to stop or read them.
 */
public final class NodeApi {
  /** The port the agent listens on by default (next to discovery's 15002). */
  public static final int DEFAULT_PORT = 15003;
  /** Label that marks containers started through this API. */
  public static final String MANAGED_LABEL = "gpuhub.managed";
  public static final String MANAGED_VALUE = "true";
  /** Grace period between SIGTERM and SIGKILL on DELETE. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(5);
  /** Largest request body accepted (1 MiB). */
  public static final int MAX_BODY_BYTES = 1024 * 1024;
  /** Lines of log returned when the request names none. */
  public static final int DEFAULT_LOG_LINES = 50;
  /** The collection path. */
  public static final String CONTAINERS_PATH = "/containers";
  /** Pulls an image onto the node, streaming progress ({@link ImagePullHandler}). */
  public static final String IMAGE_PULL_PATH = "/images/pull";
  /** gpuhub's named volumes on the node (users' homes): {@code GET} lists them, {@code DELETE /volumes/<name>} removes one. */
  public static final String VOLUMES_PATH = "/volumes";

  private NodeApi() {}
}
