package dev.gpuhub.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A restart of the node's dockerd stops every container on it: each keeper is told (its server
 * shows stopped or failed, with the reason), starts again, and finds its file in its home.
 */
final class DockerdRestart implements Fault {
  private final ChaosCluster cluster;
  private final List<ChaosUser> keepers;
  private final List<String> seen = new ArrayList<>();
  private int told;

  DockerdRestart(ChaosCluster cluster, List<ChaosUser> keepers) {
    this.cluster = cluster;
    this.keepers = keepers;
  }

  @Override
  public void inject() {
    cluster.dockerd.restart();
  }

  @Override
  public void restore() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (ChaosUser k : keepers) {
      JsonNode s = k.server();
      while (SteadyLoad.ready(s) && System.nanoTime() < deadline) {
        Thread.sleep(250);
        s = k.server();
      }
      seen.add(k.name + ": " + (s == null ? "no server" : s.path("state").asText() + " (" + s.path("failure_reason").asText("") + ")"));
      if (!SteadyLoad.ready(s)) told++;
    }
    for (ChaosUser k : keepers) {
      k.stopAndAwaitGone(Duration.ofSeconds(60));
      String problem = k.startAndAwaitReady(Duration.ofSeconds(180));
      if (problem != null) {
        seen.add(k.name + " could not start again: " + problem);
        seen.add("the restarted dockerd's last errors: " + cluster.dockerd.logLines("level=error", 5));
      }
    }
  }

  @Override
  public void check(FaultReport r) {
    r.serversLost = told;
    r.check("servers whose containers died are reported to their users", keepers.size() + " of " + keepers.size(),
        told + " " + seen, told == keepers.size());
  }
}
