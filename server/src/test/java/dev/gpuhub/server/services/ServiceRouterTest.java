package dev.gpuhub.server.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceRouterTest {
  private static ServiceReplica replica(int i) {
    return new ServiceReplica("vote", i, "n" + i, "127.0.0.1", 30000 + i, "c" + i);
  }

  @Test
  void roundRobinRotatesAndLeastConnectionsPrefersTheIdleReplica() {
    ServiceRouter router = new ServiceRouter();
    router.strategy("vote", "round_robin");
    router.add(replica(1));
    router.add(replica(2));
    List<Integer> picked = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ServiceRouter.Choice c = router.choose("vote").orElseThrow();
      picked.add(c.replica().index());
      c.end();
    }
    assertThat(picked).containsExactly(1, 2, 1, 2);

    router.strategy("vote", "least_connections");
    ServiceRouter.Choice busy = router.choose("vote").orElseThrow();
    for (int i = 0; i < 3; i++) {
      ServiceRouter.Choice c = router.choose("vote").orElseThrow();
      assertThat(c.replica()).isNotEqualTo(busy.replica());
      c.end();
    }
    busy.end();
  }

  @Test
  void aRemovedReplicaGetsNoNewRequestsAndCountsItsOpenOnesUntilTheyEnd() {
    ServiceRouter router = new ServiceRouter();
    router.strategy("vote", "round_robin");
    ServiceReplica old = replica(1);
    router.add(old);
    ServiceRouter.Choice open = router.choose("vote").orElseThrow();
    assertThat(router.inFlight(old)).isEqualTo(1);
    router.add(replica(2));
    router.remove(old);
    for (int i = 0; i < 5; i++) {
      ServiceRouter.Choice c = router.choose("vote").orElseThrow();
      assertThat(c.replica().index()).isEqualTo(2);
      c.end();
    }
    assertThat(router.inFlight(old)).isEqualTo(1);
    open.end();
    open.end(); // idempotent
    assertThat(router.inFlight(old)).isZero();
    assertThat(router.ready("vote")).extracting(ServiceReplica::index).containsExactly(2);
  }

  @Test
  void noReplicaNoChoice() {
    ServiceRouter router = new ServiceRouter();
    assertThat(router.choose("nope")).isEmpty();
    router.strategy("vote", "least_connections");
    assertThat(router.choose("vote")).isEmpty();
  }
}
