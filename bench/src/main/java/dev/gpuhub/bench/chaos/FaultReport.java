package dev.gpuhub.bench.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What one fault cost, measured over its window (from the injection until the installation was
 * whole again and a few seconds more), and the targets it is held to, each beside its figure.
 */
final class FaultReport {
  /** Kinds of event that are users' or nodes' requests: a failed one is degraded service. */
  static final Set<String> SERVICE = Set.of("proxy", "kernel", "login", "spawn", "nodes");
  /** Width of the time bins degraded seconds are counted in. */
  static final long BIN_MILLIS = 500;

  /** One target: what, the bound as people read it, the figure measured, and whether it is met. */
  record Check(String what, String target, String measured, boolean met) {}

  final String fault;
  final double degradedSeconds;
  final int requestsFailed;
  final int requests;
  final double nodesUnavailableSeconds;
  final long healthMaxMillis;
  final int healthSlow;
  double recoverySeconds = Double.NaN;
  long heartbeatsLost;
  int serversLost;
  int filesLost;
  int orphans;
  int leakedReservations;
  final List<Check> checks = new ArrayList<>();
  final List<String> notes = new ArrayList<>();

  /** Measures the events of the window: degraded time, failed requests, node availability, health latency. */
  FaultReport(String fault, List<SteadyLoad.Event> window) {
    this.fault = fault;
    this.degradedSeconds = bins(window.stream().filter(e -> !e.ok() && SERVICE.contains(e.kind())).toList());
    this.nodesUnavailableSeconds = bins(window.stream().filter(e -> !e.ok() && e.kind().equals("nodes")).toList());
    List<SteadyLoad.Event> requestsSeen = window.stream().filter(e -> SERVICE.contains(e.kind()) && !e.kind().equals("nodes")).toList();
    this.requests = requestsSeen.size();
    this.requestsFailed = (int) requestsSeen.stream().filter(e -> !e.ok()).count();
    List<SteadyLoad.Event> health = window.stream().filter(e -> e.kind().equals("health")).toList();
    this.healthMaxMillis = health.stream().mapToLong(SteadyLoad.Event::millis).max().orElse(0);
    this.healthSlow = (int) health.stream().filter(e -> e.millis() >= 1000).count();
    window.stream().filter(e -> !e.ok() && SERVICE.contains(e.kind())).map(e -> e.kind() + ": " + e.detail())
        .distinct().limit(6).forEach(notes::add);
  }

  /**
   * Seconds covered by the {@link #BIN_MILLIS} bins that overlap at least one of {@code failures}
   * (a failed request covers the time from its sending to its failure).
   */
  private static double bins(List<SteadyLoad.Event> failures) {
    return failures.stream().flatMap(e -> java.util.stream.LongStream.rangeClosed((e.at() - e.millis()) / BIN_MILLIS,
        e.at() / BIN_MILLIS).boxed()).distinct().count() * BIN_MILLIS / 1000.0;
  }

  void check(String what, String target, String measured, boolean met) {
    checks.add(new Check(what, target, measured, met));
  }

  /** The health-check target every fault is held to: an answer (or a refusal) within a second, always. */
  void checkHealthLatency() {
    check("/health-check answered in < 1 s", "0 probes >= 1 s", healthSlow + " (max " + healthMaxMillis + " ms)", healthSlow == 0);
  }

  boolean met() {
    return checks.stream().allMatch(Check::met);
  }

  /** The fault's line of figures, then one line per target. */
  String describe() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "%-18s degraded %5.1f s | requests failed %d of %d | nodes unavailable %4.1f s | recovery %s | "
            + "heartbeats lost %d | servers lost %d | files lost %d | orphans %d | leaked reservations %d | "
            + "health-check max %d ms%n",
        fault, degradedSeconds, requestsFailed, requests, nodesUnavailableSeconds,
        Double.isNaN(recoverySeconds) ? "-" : String.format(Locale.ROOT, "%.1f s", recoverySeconds), heartbeatsLost,
        serversLost, filesLost, orphans, leakedReservations, healthMaxMillis));
    for (Check c : checks) {
      b.append(String.format(Locale.ROOT, "    %-6s %-58s target %-22s measured %s%n", c.met() ? "met" : "MISSED",
          c.what(), c.target(), c.measured()));
    }
    for (String n : notes) b.append("    seen: ").append(n.length() > 200 ? n.substring(0, 200) + "..." : n).append('\n');
    return b.toString();
  }
}
