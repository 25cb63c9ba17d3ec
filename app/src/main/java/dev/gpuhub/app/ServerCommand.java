package dev.gpuhub.app;

import dev.gpuhub.server.ControlPlane;
import dev.gpuhub.server.ServerConfig;
import dev.gpuhub.store.StoreConfig;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/** {@code gpuhub server}: the control plane, configured by environment variables. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = {
        "Runs the control plane (discovery API on API_PORT, default 15002).",
        "Needs GPUHUB_AGENT_TOKEN (shared with the agents; no default).",
        "Storage: GPUHUB_STORE=embedded|postgres, GPUHUB_LIVE=memory|redis, GPUHUB_DATA_DIR,",
        "POSTGRES_HOST/PORT/DB/USER/PASSWORD, REDIS_HOST/PORT/PASSWORD/EXPIRE_SECONDS."})
final class ServerCommand implements Runnable {

  @Override
  public void run() {
    Map<String, String> env = System.getenv();
    ServerConfig config = ServerConfig.fromEnv(env);
    StoreConfig storeConfig = StoreConfig.fromEnv(env);
    ControlPlane plane = ControlPlane.start(config, storeConfig);
    System.out.println("gpuhub server: discovery API on " + plane.discoveryUrl());
    if (plane.hub() != null) System.out.println("gpuhub server: hub on " + plane.hub().url() + "/hub/");
    System.out.println("gpuhub server: stores: " + storeConfig.describe());
    System.out.println("gpuhub server: cluster port " + plane.clusterPort() + " (mutual TLS, CA "
        + plane.authority().fingerprint() + "); to add a node, make a token with ./gpuhub join-token and run "
        + "GPUHUB_JOIN_TOKEN=<token> ./gpuhub agent --server " + plane.discoveryUrl() + " there");
    System.out.flush();
    awaitShutdown(plane);
  }

  /**
   * How long stopping may take after SIGTERM: what has not finished by then is abandoned and the
   * process exits anyway (systemd's default stop timeout is 90 s; an operator's is often 10 s).
   */
  static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(8);

  /** Closes {@code resource}, waiting at most {@code grace}; returns whether it finished (errors are printed). */
  static boolean closeWithin(AutoCloseable resource, java.time.Duration grace) {
    Thread closer = new Thread(() -> {
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("gpuhub: error while stopping: " + e);
      }
    }, "gpuhub-close");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(grace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !closer.isAlive();
  }

  /**
   * Blocks until the JVM is asked to stop, then closes {@code resource}, for at most
   * {@link #STOP_GRACE}: a close that hangs (a store that does not answer, a stuck request) does not
   * keep the process alive; it then exits with status 1 saying so.
   */
  static void awaitShutdown(AutoCloseable resource) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      boolean done = closeWithin(resource, STOP_GRACE);
      stopped.countDown();
      if (!done) {
        System.err.println("gpuhub: stopping took longer than " + STOP_GRACE.toSeconds() + " s; exiting without waiting");
        System.err.flush();
        Runtime.getRuntime().halt(1);
      }
    }, "gpuhub-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
