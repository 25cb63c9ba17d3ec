package dev.gpuhub.sim.pollux;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One model's measured behaviour (the artifact's {@code Application}): validation traces per batch
 * size (progress per epoch, gradient statistics), throughput traces per placement, and the
 * limits derived from them. Immutable apart from a thread-safe throughput memo.
 */
public final class Application {
  private static final Pattern VALIDATION = Pattern.compile("validation-(\\d+)\\.csv");

  private final String name;
  private final int[] batchSizes;
  /** Per validated batch size (same order as batchSizes): rows by epoch. */
  private final double[][] gradSqr;
  private final double[][] gradVar;
  private final double[][] iterations;
  private final double[] progressAt;
  private final ThroughputTable throughput;
  private final int maxLocalBsz;
  private final int maxEpochs;
  private final Map<String, double[]> memo = new ConcurrentHashMap<>();

  private Application(String name, int[] batchSizes, double[][] gradSqr, double[][] gradVar, double[][] iterations,
                      double[] progressAt, ThroughputTable throughput, int maxLocalBsz, int maxEpochs) {
    this.name = name;
    this.batchSizes = batchSizes;
    this.gradSqr = gradSqr;
    this.gradVar = gradVar;
    this.iterations = iterations;
    this.progressAt = progressAt;
    this.throughput = throughput;
    this.maxLocalBsz = maxLocalBsz;
    this.maxEpochs = maxEpochs;
  }

  /**
   * Loads {@code traceDir} (placements.csv, scalability.csv, validation-&lt;bsz&gt;.csv).
   *
   * @param maxEpochs   epochs to completion; 0 = as many as every validation trace has
   * @param maxLocalBsz cap on the local batch size; 0 = the largest measured one
   */
  public static Application load(Path traceDir, int maxEpochs, int maxLocalBsz) {
    String name = traceDir.getFileName().toString();
    if (!Files.isDirectory(traceDir)) throw TraceDataException.in(traceDir, "no such trace folder");
    TreeMap<Integer, CsvTable> validation = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(traceDir, "validation-*.csv")) {
      for (Path p : ds) {
        Matcher m = VALIDATION.matcher(p.getFileName().toString());
        if (!m.matches()) throw TraceDataException.in(p, "name must be validation-<batch size>.csv");
        int bsz = Integer.parseInt(m.group(1));
        if (bsz < 1) throw TraceDataException.in(p, "batch size in the name must be >= 1");
        validation.put(bsz, CsvTable.read(p, "progress", "iteration", "grad_sqr", "grad_var"));
      }
    } catch (IOException e) {
      throw TraceDataException.in(traceDir, "cannot list: " + e.getMessage());
    }
    if (validation.isEmpty()) throw TraceDataException.in(traceDir, "no validation-<batch size>.csv files");
    int rows = Integer.MAX_VALUE;
    for (CsvTable t : validation.values()) rows = Math.min(rows, t.size());
    int epochs = maxEpochs > 0 ? maxEpochs : rows;
    for (CsvTable t : validation.values()) {
      if (t.size() < epochs) {
        throw TraceDataException.in(t.file(), "has " + t.size() + " epochs, model " + name + " needs " + epochs);
      }
    }
    int n = validation.size();
    int[] bsz = new int[n];
    double[][] sqr = new double[n][];
    double[][] var = new double[n][];
    double[][] it = new double[n][];
    double[] progress = new double[epochs + 1];
    Arrays.fill(progress, 1, epochs + 1, Double.POSITIVE_INFINITY);
    int i = 0;
    for (Map.Entry<Integer, CsvTable> e : validation.entrySet()) {
      CsvTable t = e.getValue();
      bsz[i] = e.getKey();
      sqr[i] = new double[epochs];
      var[i] = new double[epochs];
      it[i] = new double[epochs];
      for (int r = 0; r < epochs; r++) {
        sqr[i][r] = t.nonNegative(r, "grad_sqr");
        var[i][r] = t.nonNegative(r, "grad_var");
        if (sqr[i][r] + var[i][r] <= 0) throw TraceDataException.at(t.file(), t.line(r), "grad_sqr + grad_var must be > 0");
        it[i][r] = t.nonNegative(r, "iteration");
        // Epoch boundaries: the smallest progress any batch size reached at the end of each epoch.
        progress[r + 1] = Math.min(progress[r + 1], t.positive(r, "progress"));
      }
      i++;
    }
    for (int e = 1; e <= epochs; e++) {
      if (progress[e] <= progress[e - 1]) {
        throw TraceDataException.in(traceDir, "epoch " + e + " ends at progress " + progress[e]
            + ", not after epoch " + (e - 1) + " (" + progress[e - 1] + ")");
      }
    }
    ThroughputTable tt = ThroughputTable.load(traceDir.resolve("placements.csv"), traceDir.resolve("scalability.csv"));
    int maxLocal = maxLocalBsz > 0 ? maxLocalBsz : tt.maxLocalBsz();
    if (bsz[n - 1] < tt.minLocalBsz()) {
      throw TraceDataException.in(traceDir, "largest validated batch " + bsz[n - 1] + " < smallest local batch "
          + tt.minLocalBsz());
    }
    return new Application(name, bsz, sqr, var, it, progress, tt, maxLocal, epochs);
  }

  public String name() {
    return name;
  }

  /** Smallest validated batch size: every job starts there. */
  public int initBatchSize() {
    return batchSizes[0];
  }

  /** Largest validated batch size. */
  public int maxBatchSize() {
    return batchSizes[batchSizes.length - 1];
  }

  public int minLocalBsz() {
    return throughput.minLocalBsz();
  }

  public int maxLocalBsz() {
    return maxLocalBsz;
  }

  public int maxEpochs() {
    return maxEpochs;
  }

  /** Progress at the start of {@code epoch} (0 for epoch 0); the job completes at progressAt(maxEpochs). */
  public double progressAt(int epoch) {
    return progressAt[epoch];
  }

  /** Validated batch sizes around {@code batchSize}: {lower index, upper index} (equal when exact or outside). */
  private int[] bracket(double batchSize) {
    int n = batchSizes.length;
    if (batchSize <= batchSizes[0]) return new int[] {0, 0};
    if (batchSize >= batchSizes[n - 1]) return new int[] {n - 1, n - 1};
    int lo = 0;
    while (batchSizes[lo + 1] <= batchSize) lo++;
    return batchSizes[lo] == batchSize ? new int[] {lo, lo} : new int[] {lo, lo + 1};
  }

  private double between(double[][] table, double batchSize, int epoch) {
    int[] b = bracket(batchSize);
    if (b[0] == b[1]) return table[b[0]][epoch];
    double lo = batchSizes[b[0]];
    double hi = batchSizes[b[1]];
    return ((batchSize - lo) * table[b[1]][epoch] + (hi - batchSize) * table[b[0]][epoch]) / (hi - lo);
  }

  /**
   * {grad_sqr, grad_var} during {@code epoch} at {@code batchSize}, interpolated linearly between
   * the validated batch sizes around it (clamped to the validated range).
   */
  public double[] gradStats(double batchSize, int epoch) {
    return new double[] {between(gradSqr, batchSize, epoch), between(gradVar, batchSize, epoch)};
  }

  /** Iterations done after {@code epoch} at {@code batchSize} (interpolated like gradStats). */
  public double iteration(double batchSize, int epoch) {
    return between(iterations, batchSize, epoch);
  }

  /**
   * Statistical gain of batch size {@code batchSize} over the initial one during {@code epoch}:
   * {@code (var + sqr) / (var / scale + sqr)}, {@code scale = batchSize / initBatchSize}.
   */
  public double gain(double batchSize, int epoch) {
    double[] g = gradStats(batchSize, epoch);
    double scale = batchSize / initBatchSize();
    return (g[1] + g[0]) / (g[1] / scale + g[0]);
  }

  /** {step time, sync time} for {@code placement} (GPUs per node) at local batch {@code localBsz}; memoized. */
  public double[] throughput(int[] placement, int localBsz) {
    String key = ThroughputTable.normalizedKey(placement) + '@' + localBsz;
    double[] v = memo.get(key);
    if (v == null) {
      v = throughput.lookup(placement, localBsz);
      memo.put(key, v);
    }
    return v;
  }

  boolean isMeasured(int[] placement) {
    return throughput.isMeasured(placement);
  }
}
