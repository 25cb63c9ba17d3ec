package dev.gpuhub.core.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Random interleavings of spawn, bind (container runs), stop, failure, hold timeout, queue timeout
 * and engine restart, checked after every step against a model of who should hold what: no
 * reservation is ever leaked (held by an owner the model says is done) or doubled (a GPU or more
 * room than a node has), and the journal always equals the engine.
 */
class ReservationPropertyTest {

  @Test
  void randomInterleavingsNeverLeakOrDoubleAReservation() {
    for (long seed = 1; seed <= 300; seed++) run(seed, 250);
  }

  private static final List<dev.gpuhub.core.profile.GpuConstraint> CONSTRAINTS = List.of(
      dev.gpuhub.core.profile.GpuConstraint.ANY, new dev.gpuhub.core.profile.GpuConstraint("*A100*", 0),
      new dev.gpuhub.core.profile.GpuConstraint(null, 40), new dev.gpuhub.core.profile.GpuConstraint("tesla*", 0));

  private static void run(long seed, int steps) {
    Random rnd = new Random(seed);
    TestCluster c = new TestCluster();
    c.hold = Duration.ofSeconds(60);
    int nodes = 2 + rnd.nextInt(3);
    for (int i = 0; i < nodes; i++) {
      boolean big = rnd.nextBoolean(); // two GPU models: constraints must send requests to the right ones
      c.node("n" + i, 4 + rnd.nextInt(8), 8, rnd.nextInt(5), 2 + rnd.nextInt(4),
          big ? "NVIDIA A100-SXM4-80GB" : "Tesla T4", big ? 81920L : 15360L);
    }
    Map<String, PlacementRequest> asked = new HashMap<>();
    PlacementEngine engine = c.engine();
    Map<String, PlacementTicket> waiting = new HashMap<>(); // queued in the model
    Set<String> holding = new HashSet<>();                  // placed, not released
    Set<String> bound = new HashSet<>();
    int next = 0;
    for (int step = 0; step < steps; step++) {
      String what;
      int op = rnd.nextInt(100);
      if (op < 35) {
        String owner = "o" + next++;
        PlacementRequest r = switch (rnd.nextInt(6)) {
          case 0 -> TestCluster.gpu(owner);
          case 1 -> TestCluster.gpus(owner, 1 + rnd.nextInt(3), CONSTRAINTS.get(rnd.nextInt(CONSTRAINTS.size())),
              1 + rnd.nextInt(2));
          default -> TestCluster.cpu(owner, 1 + rnd.nextInt(3), 1 + rnd.nextInt(3), 1 + rnd.nextInt(2));
        };
        asked.put(owner, r);
        PlacementTicket t = engine.submit(r, Duration.ofSeconds(30 + rnd.nextInt(120)));
        what = "spawn " + owner;
        if (!t.result().isDone()) waiting.put(owner, t);
        else if (!t.result().isCompletedExceptionally()) holding.add(owner);
      } else if (op < 55 && !holding.isEmpty()) {
        String owner = pick(rnd, holding);
        what = "bind " + owner;
        assertThat(engine.bind(owner, Map.of())).as(seed + ": " + what).isNotEmpty();
        bound.add(owner);
      } else if (op < 75 && !(holding.isEmpty() && waiting.isEmpty())) {
        Set<String> any = new HashSet<>(holding);
        any.addAll(waiting.keySet());
        String owner = pick(rnd, any);
        what = (bound.contains(owner) ? "stop " : "fail ") + owner;
        engine.release(owner);
        holding.remove(owner);
        bound.remove(owner);
        waiting.remove(owner);
      } else if (op < 90) {
        int seconds = 1 + rnd.nextInt(70);
        c.now = c.now.plusSeconds(seconds);
        what = "tick +" + seconds + "s";
        List<String> lapsing = new ArrayList<>();
        for (String owner : holding) {
          if (!bound.contains(owner) && !c.now.isBefore(reservedUntil(engine, owner))) lapsing.add(owner);
        }
        engine.tick();
        lapsing.forEach(holding::remove);
      } else {
        what = "restart";
        engine = c.engine(); // the queue lives in memory: a restarted hub fails pending spawns
        waiting.clear();
      }
      // queued requests the engine served since the last step are now holding
      for (var it = waiting.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (e.getValue().result().isDone()) {
          it.remove();
          if (!e.getValue().result().isCompletedExceptionally()) holding.add(e.getKey());
        }
      }
      String context = "seed " + seed + " step " + step + " (" + what + ")";
      TestCluster.checkInvariants(engine, c);
      Set<String> owners = engine.reservations().stream().map(Reservation::owner).collect(Collectors.toCollection(TreeSet::new));
      assertThat(owners).as(context + ": owners holding reservations").isEqualTo(new TreeSet<>(holding));
      assertThat(engine.queue().stream().map(QueueEntry::owner).collect(Collectors.toSet()))
          .as(context + ": queued owners").isEqualTo(waiting.keySet());
      assertThat(new HashSet<>(c.journal.all())).as(context + ": journal equals memory")
          .isEqualTo(new HashSet<>(engine.reservations()));
      for (String o : holding) {
        assertThat(engine.reservationsOf(o).stream().map(Reservation::hostname).distinct().count())
            .as(context + ": distinct nodes of " + o).isEqualTo(engine.reservationsOf(o).size());
        PlacementRequest r = asked.get(o);
        for (Reservation res : engine.reservationsOf(o)) {
          // exactly the GPUs asked for, all on the reservation's node, each of the model and memory asked for
          assertThat(res.gpuUuids()).as(context + ": GPUs of " + o).hasSize(r.gpusPerNode()).doesNotHaveDuplicates();
          for (String uuid : res.gpuUuids()) {
            var device = c.nodes.get(res.hostname()).gpuInfo().stream().filter(g -> g.uuid().equals(uuid)).findFirst();
            assertThat(device).as(context + ": " + uuid + " is on " + res.hostname()).isPresent();
            assertThat(r.gpuConstraint().matches(device.get())).as(context + ": " + uuid + " matches " + r.gpuConstraint())
                .isTrue();
          }
        }
      }
    }
  }

  private static java.time.Instant reservedUntil(PlacementEngine engine, String owner) {
    List<Reservation> rs = engine.reservationsOf(owner);
    return rs.isEmpty() ? java.time.Instant.MIN : rs.get(0).expiresAt() == null ? java.time.Instant.MAX : rs.get(0).expiresAt();
  }

  private static String pick(Random rnd, Set<String> from) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(from));
    return sorted.get(rnd.nextInt(sorted.size()));
  }
}
