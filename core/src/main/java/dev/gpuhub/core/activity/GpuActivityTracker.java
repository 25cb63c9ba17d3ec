package dev.gpuhub.core.activity;

import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.core.node.GpuDevice;
import dev.gpuhub.core.node.GpuProcess;
import dev.gpuhub.core.node.NodeReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tells, for every GPU holder, whether its GPUs are in use ("busy") or "idle since t", from the
 * node reports and the reservations, looked at periodically ({@link #observe}).
 *
 * <p>A held GPU is in use at a look when its utilisation is at least the threshold and, where its
 * node lists the GPU's processes, one of them runs in a container of the holder (a process of
 * someone else, or of no container, does not make the holder busy). Where the node does not list
 * processes, the utilisation alone decides; where it reports no utilisation either, the GPU counts
 * as in use (gpuhub never calls a GPU idle on no evidence). A holder whose GPUs appear in no report
 * (node silent) is left as it was. A holder is busy when any of its GPUs is.
 *
 * <p>Thread-safe; pure apart from the caller's clock values (no I/O).
 */
public final class GpuActivityTracker {
  /** Default utilisation, percent, below which a held GPU counts as idle. */
  public static final double DEFAULT_BUSY_PERCENT = 5;
  /** Longest gap between looks that is counted as held time (a longer one is counted as this long). */
  static final Duration MAX_GAP = Duration.ofSeconds(60);
  private static final int MINUTES_KEPT = 60;

  private final double busyPercent;
  private final Map<String, State> holders = new HashMap<>();
  /** GPU-seconds held and held idle by every owner ever looked at, since this tracker began. */
  private final Map<String, Totals> totals = new HashMap<>();

  /**
   * What an owner held since the tracker began, also after it released its GPUs.
   *
   * @param gpuSeconds     GPU-seconds held
   * @param idleGpuSeconds of those, GPU-seconds held while idle
   */
  public record Totals(double gpuSeconds, double idleGpuSeconds) {
    Totals plus(double held, double idle) {
      return new Totals(gpuSeconds + held, idleGpuSeconds + idle);
    }
  }

  public GpuActivityTracker(double busyPercent) {
    if (!(busyPercent >= 0 && busyPercent <= 100)) {
      throw new IllegalArgumentException("GPU busy threshold must be within 0..100 percent, was " + busyPercent);
    }
    this.busyPercent = busyPercent;
  }

  /** Folds in one look at the cluster: every live node's report and every reservation. */
  public synchronized void observe(Instant now, List<NodeReport> nodes, List<Reservation> reservations) {
    Map<String, GpuDevice> gpus = new HashMap<>();
    for (NodeReport n : nodes) {
      for (GpuDevice g : n.gpuInfo()) gpus.put(g.uuid(), g);
    }
    Map<String, List<Reservation>> byOwner = new LinkedHashMap<>();
    for (Reservation r : reservations) {
      if (!r.gpuUuids().isEmpty()) byOwner.computeIfAbsent(r.owner(), o -> new ArrayList<>()).add(r);
    }
    holders.keySet().retainAll(byOwner.keySet());
    byOwner.forEach((owner, held) -> {
      State s = holders.computeIfAbsent(owner, o -> new State(o, now));
      s.look(now, held, gpus);
    });
  }

  /** The holder's activity, empty when it holds no GPU (or has not been looked at yet). */
  public synchronized Optional<HolderActivity> of(String owner) {
    State s = holders.get(owner);
    return s == null ? Optional.empty() : Optional.of(s.view(owner));
  }

  /** Every GPU holder's activity, by owner. */
  public synchronized Map<String, HolderActivity> all() {
    Map<String, HolderActivity> out = new LinkedHashMap<>();
    holders.forEach((owner, s) -> out.put(owner, s.view(owner)));
    return out;
  }

  /** Every owner's totals since the tracker began (released holders included), by owner. */
  public synchronized Map<String, Totals> totals() {
    return new LinkedHashMap<>(totals);
  }

  /** Whether {@code gpu}, held by a holder with these containers on its node, is in use now. */
  boolean inUse(GpuDevice gpu, List<String> containers) {
    Double util = gpu.utilizationGpuPercent();
    if (gpu.processes() != null) {
      boolean own = false;
      for (GpuProcess p : gpu.processes()) {
        if (containers.isEmpty() || containers.stream().anyMatch(p::runsIn)) own = true;
      }
      return own && (util == null || util >= busyPercent);
    }
    return util == null || util >= busyPercent;
  }

  private final class State {
    private final String owner;
    private List<String> gpuUuids = List.of();
    private boolean busy;
    private Instant idleSince;
    private Double utilisation;
    private Instant lastLook;
    private double gpuSeconds;
    private double idleGpuSeconds;
    private final Deque<Minute> minutes = new ArrayDeque<>();

    State(String owner, Instant now) {
      this.owner = owner;
      this.idleSince = now;
    }

    void look(Instant now, List<Reservation> held, Map<String, GpuDevice> gpus) {
      List<String> uuids = new ArrayList<>();
      boolean seen = false;
      boolean anyBusy = false;
      double sum = 0;
      int counted = 0;
      for (Reservation r : held) {
        List<String> containers = r.containerId() == null ? List.of() : List.of(r.containerId());
        for (String uuid : r.gpuUuids()) {
          uuids.add(uuid);
          GpuDevice g = gpus.get(uuid);
          if (g == null) continue;
          seen = true;
          if (inUse(g, containers)) anyBusy = true;
          if (g.utilizationGpuPercent() != null) {
            sum += g.utilizationGpuPercent();
            counted++;
          }
        }
      }
      if (lastLook != null) {
        double seconds = Math.min(MAX_GAP.toMillis(), Math.max(0, Duration.between(lastLook, now).toMillis())) / 1000.0;
        double heldSeconds = seconds * gpuUuids.size();
        double idleSeconds = busy ? 0 : heldSeconds;
        gpuSeconds += heldSeconds;
        idleGpuSeconds += idleSeconds;
        totals.merge(owner, new Totals(heldSeconds, idleSeconds), (a, b) -> a.plus(b.gpuSeconds(), b.idleGpuSeconds()));
      }
      lastLook = now;
      gpuUuids = List.copyOf(uuids);
      if (!seen) return;
      busy = anyBusy;
      if (busy) idleSince = null;
      else if (idleSince == null) idleSince = now;
      utilisation = counted == 0 ? null : sum / counted;
      if (utilisation != null) sample(now, utilisation);
    }

    private void sample(Instant now, double value) {
      long minute = now.getEpochSecond() / 60;
      Minute last = minutes.peekLast();
      if (last == null || last.minute != minute) {
        last = new Minute(minute);
        minutes.addLast(last);
      }
      last.sum += value;
      last.count++;
      while (!minutes.isEmpty() && minutes.peekFirst().minute <= minute - MINUTES_KEPT) minutes.removeFirst();
    }

    HolderActivity view(String owner) {
      List<Double> hour = new ArrayList<>(minutes.size());
      for (Minute m : minutes) hour.add(m.sum / m.count);
      return new HolderActivity(owner, gpuUuids, busy, busy ? null : idleSince, utilisation, hour, gpuSeconds,
          idleGpuSeconds);
    }
  }

  private static final class Minute {
    final long minute;
    double sum;
    int count;

    Minute(long minute) {
      this.minute = minute;
    }
  }
}
