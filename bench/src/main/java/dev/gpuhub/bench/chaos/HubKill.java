package dev.gpuhub.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * SIGKILL of the control plane with the node full and two users waiting in the queue: after the
 * restart the running servers are adopted and the two wait again, in their order.
 */
final class HubKill implements Fault {
  /** Users by name, made at first use. */
  interface Users {
    ChaosUser named(String name) throws Exception;
  }

  private final ChaosCluster cluster;
  private final SteadyLoad load;
  private final Users users;
  private final List<ChaosUser> queued = new ArrayList<>();
  private ChaosUser filler;
  private String fillerStarted;

  HubKill(ChaosCluster cluster, SteadyLoad load, Users users) {
    this.cluster = cluster;
    this.load = load;
    this.users = users;
  }

  @Override
  public void inject() throws Exception {
    load.pauseChurn();
    filler = users.named("filler");
    String problem = filler.startAndAwaitReady(Duration.ofSeconds(180));
    if (problem != null) throw new IllegalStateException("the filler's server: " + problem);
    fillerStarted = filler.server().path("started").asText();
    for (String name : List.of("queued1", "queued2")) {
      ChaosUser q = users.named(name);
      int status = q.requestServer().statusCode();
      if (status != 202 && status != 201) throw new IllegalStateException(name + "'s request answered " + status);
      queued.add(q);
      Thread.sleep(300); // a defined order
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (queued.get(0).queuePosition() != 1 || queued.get(1).queuePosition() != 2) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("the two requests did not wait in the queue");
      Thread.sleep(200);
    }
    Thread.sleep(1000); // the queue's journal follows a request by a moment
    cluster.killHub();
  }

  @Override
  public void restore() throws Exception {
    cluster.startHub();
  }

  @Override
  public void check(FaultReport r) throws Exception {
    List<Integer> positions = new ArrayList<>();
    for (ChaosUser q : queued) positions.add(q.queuePosition());
    r.check("queued requests kept, in their order", "[1, 2]", positions.toString(), positions.equals(List.of(1, 2)));
    JsonNode s = filler.server();
    if (!SteadyLoad.ready(s) || !ChaosSuite.sameInstant(fillerStarted, s.path("started").asText())) r.serversLost++;
    r.checks.removeIf(c -> c.what().equals("servers lost"));
    r.check("servers lost", "0", Integer.toString(r.serversLost), r.serversLost == 0);
    for (ChaosUser u : List.of(queued.get(0), queued.get(1), filler)) u.stopAndAwaitGone(Duration.ofSeconds(60));
    load.resumeChurn();
  }
}
