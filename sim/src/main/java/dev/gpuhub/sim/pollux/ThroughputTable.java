package dev.gpuhub.sim.pollux;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Step and sync time of one model by placement and local batch size, from {@code placements.csv}
 * and {@code scalability.csv}.
 *
 * <p>A placement that was measured (after normalising it to its lexicographically smallest
 * rotation, as the artifact does) is interpolated linearly in the local batch size between its
 * measured rows. Any other placement (in practice: more than 4 nodes) is interpolated linearly over
 * (nodes, replicas, local batch) through the per-(nodes, replicas, local batch) means of
 * placements.csv plus scalability.csv. The artifact does that with scipy's LinearNDInterpolator
 * (a Delaunay triangulation); we use a tensor-product form that needs no triangulation: linear in
 * the node count between the two measured node counts around it, at the same replica count
 * (clamped to what each node count measured), bilinear in (replicas, local batch) inside each.
 * Outside the measured local batch range the nearest measured value is used.
 */
final class ThroughputTable {
  /** Maximum node count the artifact interpolates at (its clusters have 16 nodes). */
  static final int MAX_INTERPOLATED_NODES = 16;

  private final Map<String, Curve> measured;
  /** nodes -> replicas -> curve over local batch size. */
  private final NavigableMap<Integer, NavigableMap<Integer, Curve>> planes;
  private final int minLocalBsz;
  private final int maxLocalBsz;

  private ThroughputTable(Map<String, Curve> measured, NavigableMap<Integer, NavigableMap<Integer, Curve>> planes,
                          int minLocalBsz, int maxLocalBsz) {
    this.measured = measured;
    this.planes = planes;
    this.minLocalBsz = minLocalBsz;
    this.maxLocalBsz = maxLocalBsz;
  }

  static ThroughputTable load(Path placementsCsv, Path scalabilityCsv) {
    CsvTable p = CsvTable.read(placementsCsv, "placement", "local_bsz", "step_time", "sync_time");
    if (p.size() == 0) throw TraceDataException.in(placementsCsv, "no measurements");
    Points byPlacement = new Points();
    Points byShape = new Points();
    int minLocal = Integer.MAX_VALUE;
    int maxLocal = Integer.MIN_VALUE;
    for (int r = 0; r < p.size(); r++) {
      String placement = p.text(r, "placement");
      int nodes = placement.length();
      int replicas = 0;
      for (int i = 0; i < placement.length(); i++) {
        char c = placement.charAt(i);
        if (c < '1' || c > '9') {
          throw TraceDataException.at(placementsCsv, p.line(r),
              "placement '" + placement + "' must be GPU counts per node, one digit 1-9 each");
        }
        replicas += c - '0';
      }
      int lbsz = p.integer(r, "local_bsz", 1);
      double step = p.positive(r, "step_time");
      double sync = p.nonNegative(r, "sync_time");
      minLocal = Math.min(minLocal, lbsz);
      maxLocal = Math.max(maxLocal, lbsz);
      byPlacement.add(placement, lbsz, step, sync);
      byShape.add(nodes + "/" + replicas, lbsz, step, sync);
    }
    CsvTable s = CsvTable.read(scalabilityCsv, "num_nodes", "num_replicas", "local_bsz", "step_time", "sync_time");
    // The artifact appends scalability rows to the per-shape means (not averaged with them).
    Points shapeMeans = new Points();
    byShape.forEachMean((key, lbsz, v) -> shapeMeans.add(key, lbsz, v[0], v[1]));
    for (int r = 0; r < s.size(); r++) {
      int nodes = s.integer(r, "num_nodes", 1);
      int replicas = s.integer(r, "num_replicas", 1);
      if (replicas < nodes) {
        throw TraceDataException.at(scalabilityCsv, s.line(r), "num_replicas " + replicas + " < num_nodes " + nodes);
      }
      shapeMeans.add(nodes + "/" + replicas, s.integer(r, "local_bsz", 1), s.positive(r, "step_time"),
          s.nonNegative(r, "sync_time"));
    }
    Map<String, Curve> measured = new HashMap<>();
    for (String key : byPlacement.keys()) measured.put(key, byPlacement.curve(key));
    NavigableMap<Integer, NavigableMap<Integer, Curve>> planes = new TreeMap<>();
    for (String key : shapeMeans.keys()) {
      int slash = key.indexOf('/');
      int nodes = Integer.parseInt(key.substring(0, slash));
      int replicas = Integer.parseInt(key.substring(slash + 1));
      planes.computeIfAbsent(nodes, n -> new TreeMap<>()).put(replicas, shapeMeans.curve(key));
    }
    return new ThroughputTable(measured, planes, minLocal, maxLocal);
  }

  int minLocalBsz() {
    return minLocalBsz;
  }

  int maxLocalBsz() {
    return maxLocalBsz;
  }

  boolean isMeasured(int[] placement) {
    return measured.containsKey(normalizedKey(placement));
  }

  /**
   * (step time, sync time) in seconds for {@code placement} (GPUs per node; zeros ignored) at local
   * batch size {@code localBsz}.
   */
  double[] lookup(int[] placement, double localBsz) {
    double[] out = new double[2];
    String key = normalizedKey(placement);
    Curve c = measured.get(key);
    if (c != null) {
      c.eval(localBsz, out);
      return out;
    }
    int nodes = 0;
    int replicas = 0;
    for (int g : placement) {
      if (g > 0) {
        nodes++;
        replicas += g;
      }
    }
    if (nodes == 0) throw new IllegalArgumentException("empty placement");
    interpolate(Math.min(nodes, MAX_INTERPOLATED_NODES), replicas, localBsz, out);
    return out;
  }

  /** Linear interpolation over (nodes, replicas, local batch) through the measured shapes. */
  void interpolate(int nodes, int replicas, double localBsz, double[] out) {
    NavigableMap<Integer, Curve> exact = planes.get(nodes);
    if (exact != null) {
      planeEval(exact, replicas, localBsz, out);
      return;
    }
    Map.Entry<Integer, NavigableMap<Integer, Curve>> lo = planes.floorEntry(nodes);
    Map.Entry<Integer, NavigableMap<Integer, Curve>> hi = planes.ceilingEntry(nodes);
    if (lo == null || hi == null) {
      planeEval((lo == null ? hi : lo).getValue(), replicas, localBsz, out);
      return;
    }
    double t = (double) (nodes - lo.getKey()) / (hi.getKey() - lo.getKey());
    double[] a = new double[2];
    double[] b = new double[2];
    planeEval(lo.getValue(), replicas, localBsz, a);
    planeEval(hi.getValue(), replicas, localBsz, b);
    out[0] = a[0] + t * (b[0] - a[0]);
    out[1] = a[1] + t * (b[1] - a[1]);
  }

  /** Bilinear in (replicas, local batch) within one node count; replicas clamped to its range. */
  private static void planeEval(NavigableMap<Integer, Curve> plane, int replicas, double localBsz, double[] out) {
    int r = Math.max(plane.firstKey(), Math.min(plane.lastKey(), replicas));
    Curve exact = plane.get(r);
    if (exact != null) {
      exact.eval(localBsz, out);
      return;
    }
    Map.Entry<Integer, Curve> lo = plane.floorEntry(r);
    Map.Entry<Integer, Curve> hi = plane.ceilingEntry(r);
    double t = (double) (r - lo.getKey()) / (hi.getKey() - lo.getKey());
    double[] a = new double[2];
    double[] b = new double[2];
    lo.getValue().eval(localBsz, a);
    hi.getValue().eval(localBsz, b);
    out[0] = a[0] + t * (b[0] - a[0]);
    out[1] = a[1] + t * (b[1] - a[1]);
  }

  /** The lexicographically smallest rotation of the non-zero counts, written like the trace's ids. */
  static String normalizedKey(int[] placement) {
    int n = 0;
    for (int g : placement) if (g > 0) n++;
    int[] p = new int[n];
    int k = 0;
    for (int g : placement) if (g > 0) p[k++] = g;
    int best = 0;
    for (int start = 1; start < n; start++) {
      for (int i = 0; i < n; i++) {
        int a = p[(start + i) % n];
        int b = p[(best + i) % n];
        if (a != b) {
          if (a < b) best = start;
          break;
        }
      }
    }
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      int g = p[(best + i) % n];
      if (g > 9) sb.append('[').append(g).append(']');
      else sb.append((char) ('0' + g));
    }
    return sb.toString();
  }

  /** Points grouped by key and local batch size, averaged on duplicates. */
  private static final class Points {
    private final Map<String, TreeMap<Integer, double[]>> sums = new TreeMap<>();

    void add(String key, int lbsz, double step, double sync) {
      double[] acc = sums.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(lbsz, b -> new double[3]);
      acc[0] += step;
      acc[1] += sync;
      acc[2] += 1;
    }

    Iterable<String> keys() {
      return sums.keySet();
    }

    interface MeanSink {
      void accept(String key, int lbsz, double[] stepSync);
    }

    void forEachMean(MeanSink sink) {
      sums.forEach((key, byBsz) -> byBsz.forEach((lbsz, acc) ->
          sink.accept(key, lbsz, new double[] {acc[0] / acc[2], acc[1] / acc[2]})));
    }

    Curve curve(String key) {
      TreeMap<Integer, double[]> byBsz = sums.get(key);
      double[] x = new double[byBsz.size()];
      double[] step = new double[x.length];
      double[] sync = new double[x.length];
      int i = 0;
      for (Map.Entry<Integer, double[]> e : byBsz.entrySet()) {
        double[] acc = e.getValue();
        x[i] = e.getKey();
        step[i] = acc[0] / acc[2];
        sync[i] = acc[1] / acc[2];
        i++;
      }
      return new Curve(x, step, sync);
    }
  }
}
