package dev.gpuhub.bench.chaos;

import java.time.Duration;

/** SIGTERM of the control plane under load: it exits within 10 s, and its restart adopts everything. */
final class HubSigterm implements Fault {
  private final ChaosCluster cluster;
  private double exitSeconds;

  HubSigterm(ChaosCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public void inject() throws Exception {
    exitSeconds = cluster.stopHub(Duration.ofSeconds(30));
  }

  @Override
  public void restore() throws Exception {
    cluster.startHub();
  }

  @Override
  public void check(FaultReport r) {
    r.check("exit after SIGTERM", "<= 10 s", exitSeconds < 0 ? "over 30 s" : String.format("%.1f s", exitSeconds),
        exitSeconds >= 0 && exitSeconds <= 10);
  }
}
