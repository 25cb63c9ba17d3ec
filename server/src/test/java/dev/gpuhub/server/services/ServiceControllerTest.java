package dev.gpuhub.server.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.service.ServiceSpec;
import dev.gpuhub.server.workload.PortClaims;
import dev.gpuhub.server.workload.TestCluster;
import dev.gpuhub.store.ServiceRepository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The services loop over fake agents: replicas start through the launcher, fail cleanly, and are adopted after a restart. */
class ServiceControllerTest {
  private static final ServiceSpec WEB = new ServiceSpec("web", "img", List.of("serve", "--port={port}"), 500, 256, 10, 2, 4,
      "round_robin");
  private final TestCluster cluster = new TestCluster().node("a", 8, 0).node("b", 8, 0);
  private final Repository repository = new Repository();
  private final PortClaims ports = new PortClaims();
  private final ServiceRouter router = new ServiceRouter();
  private final ServiceControllerConfig config = new ServiceControllerConfig(Duration.ofHours(1), 30000, 30009,
      Duration.ofMillis(200), Duration.ZERO);
  /** One replica on each node, whatever the load. */
  private final ServicePlanner planner = (loads, rooms) -> Map.of("web", List.of("a", "b"));
  private final List<ServiceController> controllers = new ArrayList<>();

  private ServiceController controller() {
    ServiceController c = new ServiceController(repository, cluster.launcher, cluster::liveNodes, ports, router,
        new RequestMeter(), planner, config);
    controllers.add(c);
    return c;
  }

  @AfterEach
  void close() {
    controllers.forEach(ServiceController::close);
  }

  @Test
  void aPassStartsThePlannedReplicasRoutedOnBoundReservations() {
    repository.create(WEB);
    ServiceController.Pass pass = controller().reconcile();
    assertThat(pass.problems()).isEmpty();
    assertThat(pass.started()).hasSize(2);
    assertThat(router.ready("web")).hasSize(2).allSatisfy(r -> {
      assertThat(ports.held(r.ip(), r.port())).isTrue();
      assertThat(cluster.engine.reservationsOf(r.owner())).singleElement()
          .satisfies(res -> assertThat(res.containerId()).isEqualTo(r.containerId()));
    });
  }

  @Test
  void aReplicaThatNeverAnswersIsReportedAndLeavesNothing_theOtherServes() {
    repository.create(WEB);
    cluster.agents.neverReady("gpuhub-svc-web-");
    cluster.agents.startFailsOn("a");
    ServiceController c = controller();
    ServiceController.Pass pass = c.reconcile();
    assertThat(pass.problems()).hasSize(2).anySatisfy(p -> assertThat(p).contains("web on a").contains("not found"))
        .anySatisfy(p -> assertThat(p).contains("web on b").contains("did not answer"));
    assertThat(cluster.agents.everywhere()).isEmpty();
    assertThat(cluster.owners()).isEmpty();
    assertThat(c.current("web")).isEmpty();
  }

  @Test
  void afterARestartRunningReplicasAreAdoptedAndADeadOneIsRemovedWithItsReservation() {
    repository.create(WEB);
    ServiceController before = controller();
    before.reconcile();
    List<ServiceReplica> replicas = before.current("web");
    before.close();
    ServiceReplica dead = replicas.stream().filter(r -> r.hostname().equals("b")).findFirst().orElseThrow();
    cluster.agents.crash("b", "gpuhub-svc-web-" + dead.index());

    ServiceRouter freshRouter = new ServiceRouter();
    ServiceController after = new ServiceController(repository, cluster.launcher, cluster::liveNodes, new PortClaims(),
        freshRouter, new RequestMeter(), planner, config);
    controllers.add(after);
    assertThat(after.adoptLeftovers()).singleElement().satisfies(s -> assertThat(s).endsWith("@a"));
    assertThat(freshRouter.ready("web")).extracting(ServiceReplica::containerId)
        .containsExactly(replicas.stream().filter(r -> r.hostname().equals("a")).findFirst().orElseThrow().containerId());
    assertThat(cluster.agents.on("b")).isEmpty();
    assertThat(cluster.owners()).containsExactly(replicas.stream().filter(r -> r.hostname().equals("a")).findFirst()
        .orElseThrow().owner());
  }

  @Test
  void aPlanThatGaveFewerReplicasThanTheLoadNeedsIsMadeAgainNextPeriod() {
    repository.create(WEB); // at least 2 replicas
    List<Map<String, List<String>>> plans = new ArrayList<>(List.of(Map.of("web", List.of("a")),
        Map.of("web", List.of("a", "b"))));
    ServiceController c = new ServiceController(repository, cluster.launcher, cluster::liveNodes, ports, router,
        new RequestMeter(), (loads, rooms) -> plans.size() > 1 ? plans.remove(0) : plans.get(0), config);
    controllers.add(c);
    assertThat(c.reconcile().replanned()).isTrue();
    assertThat(c.current("web")).hasSize(1);
    assertThat(c.reconcile().replanned()).as("same HPA count, but the plan gave less").isTrue();
    assertThat(c.current("web")).hasSize(2);
    assertThat(c.reconcile().replanned()).isFalse();
  }

  @Test
  void deletingAServiceStopsItsReplicasAndFreesTheirRoom() {
    repository.create(WEB);
    ServiceController c = controller();
    c.reconcile();
    repository.delete("web");
    c.stopService("web");
    assertThat(cluster.agents.everywhere()).isEmpty();
    assertThat(cluster.owners()).isEmpty();
  }

  /** Services in memory. */
  private static final class Repository implements ServiceRepository {
    private final Map<String, ServiceSpec> specs = new LinkedHashMap<>();

    @Override
    public synchronized ServiceSpec create(ServiceSpec spec) {
      specs.put(spec.name(), spec);
      return spec;
    }

    @Override
    public synchronized boolean update(ServiceSpec spec) {
      return specs.replace(spec.name(), spec) != null;
    }

    @Override
    public synchronized boolean delete(String name) {
      return specs.remove(name) != null;
    }

    @Override
    public synchronized Optional<ServiceSpec> find(String name) {
      return Optional.ofNullable(specs.get(name));
    }

    @Override
    public synchronized List<ServiceSpec> all() {
      return List.copyOf(specs.values());
    }
  }
}
