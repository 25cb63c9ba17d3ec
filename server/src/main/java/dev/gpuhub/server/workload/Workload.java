package dev.gpuhub.server.workload;

import dev.gpuhub.wire.node.ContainerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Containers started together, all or none (a user's server with its kernel hosts or workers, a
 * training job's replicas, one service replica). Each runs on the reservation of its {@code owner},
 * which the caller took before the launch; the launcher binds it to the container.
 *
 * @param what         how the workload is named to users ("alice's server", "job 7")
 * @param units        the containers, started in this order and awaited in this order
 * @param readyTimeout how long each unit may take to become ready
 */
public record Workload(String what, List<Unit> units, Duration readyTimeout) {
  public Workload {
    units = List.copyOf(units);
    if (units.isEmpty()) throw new IllegalArgumentException("a workload needs at least one container");
  }

  /**
   * One container of a workload.
   *
   * @param owner     the reservation the container runs on
   * @param node      the node's agent
   * @param container what to start
   * @param readiness when it counts as ready
   * @param what      how it is named to users ("the kernel host on node-b")
   */
  public record Unit(String owner, AgentEndpoint node, ContainerRequest container, Readiness readiness, String what) {}

  /** A container of the workload as it was started. */
  public record Started(Unit unit, String containerId) {
    public ContainerRef ref() {
      return new ContainerRef(unit.node(), containerId);
    }
  }

  /** A container on a node, by id or (when never started) by name. */
  public record ContainerRef(AgentEndpoint node, String idOrName) {}

  /** Every reservation owner of the workload, in unit order. */
  public Set<String> owners() {
    Set<String> out = new LinkedHashSet<>();
    units.forEach(u -> out.add(u.owner()));
    return out;
  }

  /** A running workload: its units with their container ids. */
  public record Running(Workload workload, List<Started> started) {
    public List<ContainerRef> refs() {
      List<ContainerRef> out = new ArrayList<>(started.size());
      started.forEach(s -> out.add(s.ref()));
      return out;
    }
  }

  /** Told about each step of a launch, for progress shown to users; callbacks must not throw. */
  public interface Listener {
    Listener NONE = new Listener() {};

    /** Before the unit's container is started. */
    default void starting(Unit unit) {}

    /** Its container started (not yet ready). */
    default void started(Started started) {}

    /** Every container started and every reservation bound; readiness is awaited next. */
    default void allStarted(List<Started> started) {}
  }
}
