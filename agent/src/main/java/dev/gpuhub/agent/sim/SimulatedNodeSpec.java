package dev.gpuhub.agent.sim;

import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.wire.NodeReportParser;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The declared capacity of a simulated node, written as {@code cores=24,ram=64G,gpus=2,max_containers=60}.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><td>{@code cores}</td><td>required</td><td>whole number, 1 to {@value #MAX_CORES}</td></tr>
 *   <tr><td>{@code ram}</td><td>required</td><td>GB, more than 0: {@code 64}, {@code 64G}, {@code 512M} (= 0.5 GB)</td></tr>
 *   <tr><td>{@code gpus}</td><td>default 0</td><td>whole number, 0 to {@link NodeReportParser#MAX_GPUS}</td></tr>
 *   <tr><td>{@code max_containers}</td><td>default {@value NodeReport#DEFAULT_MAX_CONTAINERS}</td><td>whole number, 1 to {@value #MAX_CONTAINERS}</td></tr>
 *   <tr><td>{@code cpu_base}</td><td>default {@value #DEFAULT_BASE_PERCENT}</td><td>idle CPU usage in percent, 0 to 100</td></tr>
 *   <tr><td>{@code mem_base}</td><td>default {@value #DEFAULT_BASE_PERCENT}</td><td>idle memory usage in percent, 0 to 100</td></tr>
 * </table>
 *
 * Keys are case-insensitive, blanks around keys and values are ignored. Bad input throws
 * {@link IllegalArgumentException} naming the key and the value, e.g. {@code ram must be like 64G, was 'x'}.
 * The limits are those the discovery service accepts in a heartbeat.
 *
 * @param cores           CPU cores reported
 * @param ramGb           RAM reported, in GB
 * @param gpus            GPUs reported
 * @param maxContainers   containers the node accepts
 * @param cpuBasePercent  CPU usage with no container running
 * @param memBasePercent  memory usage with no container running
 */
public record SimulatedNodeSpec(int cores, double ramGb, int gpus, int maxContainers, double cpuBasePercent,
    double memBasePercent) {

  public static final String CORES = "cores";
  public static final String RAM = "ram";
  public static final String GPUS = "gpus";
  public static final String MAX_CONTAINERS_KEY = "max_containers";
  public static final String CPU_BASE = "cpu_base";
  public static final String MEM_BASE = "mem_base";
  /** Idle usage percent when the spec names none. */
  public static final double DEFAULT_BASE_PERCENT = 5;
  /** Most cores a node may report. */
  public static final int MAX_CORES = 100_000;
  /** Most RAM a node may report, in GB. */
  public static final double MAX_RAM_GB = 1_000_000;
  /** Most containers a node may accept. */
  public static final int MAX_CONTAINERS = 100_000;

  private static final String KEYS = String.join(", ", CORES, RAM, GPUS, MAX_CONTAINERS_KEY, CPU_BASE, MEM_BASE);
  private static final Pattern RAM_VALUE = Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)\\s*([GgMm])?");
  private static final Pattern WHOLE = Pattern.compile("\\d{1,9}");
  private static final Pattern DECIMAL = Pattern.compile("\\d+(?:\\.\\d+)?|\\.\\d+");

  public SimulatedNodeSpec {
    if (cores < 1 || cores > MAX_CORES) throw bad(CORES, "a whole number from 1 to " + MAX_CORES, cores);
    if (!(ramGb > 0) || ramGb > MAX_RAM_GB) throw bad(RAM, "like 64G (more than 0, at most " + (long) MAX_RAM_GB + "G)", ramGb);
    if (gpus < 0 || gpus > NodeReportParser.MAX_GPUS) throw bad(GPUS, "a whole number from 0 to " + NodeReportParser.MAX_GPUS, gpus);
    if (maxContainers < 1 || maxContainers > MAX_CONTAINERS) {
      throw bad(MAX_CONTAINERS_KEY, "a whole number from 1 to " + MAX_CONTAINERS, maxContainers);
    }
    if (!(cpuBasePercent >= 0 && cpuBasePercent <= 100)) throw bad(CPU_BASE, "a percent from 0 to 100", cpuBasePercent);
    if (!(memBasePercent >= 0 && memBasePercent <= 100)) throw bad(MEM_BASE, "a percent from 0 to 100", memBasePercent);
  }

  /** A node with no GPU, {@value NodeReport#DEFAULT_MAX_CONTAINERS} containers and the default idle usage. */
  public static SimulatedNodeSpec of(int cores, double ramGb) {
    return new SimulatedNodeSpec(cores, ramGb, 0, NodeReport.DEFAULT_MAX_CONTAINERS, DEFAULT_BASE_PERCENT, DEFAULT_BASE_PERCENT);
  }

  /**
   * Parses {@code cores=24,ram=64G,gpus=2,max_containers=60[,cpu_base=5,mem_base=5]}.
   *
   * @throws IllegalArgumentException naming the key and the value when an entry is missing, unknown,
   *     repeated or out of range
   */
  public static SimulatedNodeSpec parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("simulated node spec is empty: write e.g. cores=24,ram=64G,gpus=2,max_containers=60");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String entry : text.split(",", -1)) {
      String e = entry.strip();
      if (e.isEmpty()) {
        throw new IllegalArgumentException("simulated node spec '" + text + "' has an empty entry: separate key=value pairs by single commas");
      }
      int eq = e.indexOf('=');
      String key = (eq < 0 ? e : e.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
      if (!isKey(key)) {
        throw new IllegalArgumentException("unknown key '" + key + "' in simulated node spec '" + text + "': use " + KEYS);
      }
      if (eq < 0 || e.substring(eq + 1).isBlank()) {
        throw new IllegalArgumentException(key + " needs a value, e.g. " + example(key) + ", was '" + e + "'");
      }
      if (values.put(key, e.substring(eq + 1).strip()) != null) {
        throw new IllegalArgumentException(key + " is given twice in simulated node spec '" + text + "'");
      }
    }
    if (!values.containsKey(CORES)) throw new IllegalArgumentException("simulated node spec '" + text + "' needs " + CORES + ", e.g. cores=24");
    if (!values.containsKey(RAM)) throw new IllegalArgumentException("simulated node spec '" + text + "' needs " + RAM + ", e.g. ram=64G");
    return new SimulatedNodeSpec(
        whole(CORES, values.get(CORES), 1, MAX_CORES),
        ramGb(values.get(RAM)),
        values.containsKey(GPUS) ? whole(GPUS, values.get(GPUS), 0, NodeReportParser.MAX_GPUS) : 0,
        values.containsKey(MAX_CONTAINERS_KEY)
            ? whole(MAX_CONTAINERS_KEY, values.get(MAX_CONTAINERS_KEY), 1, MAX_CONTAINERS) : NodeReport.DEFAULT_MAX_CONTAINERS,
        values.containsKey(CPU_BASE) ? percent(CPU_BASE, values.get(CPU_BASE)) : DEFAULT_BASE_PERCENT,
        values.containsKey(MEM_BASE) ? percent(MEM_BASE, values.get(MEM_BASE)) : DEFAULT_BASE_PERCENT);
  }

  /** The canonical text, every key spelt out; {@link #parse} of it gives this spec back. */
  @Override
  public String toString() {
    return CORES + "=" + cores + "," + RAM + "=" + plain(ramGb) + "G," + GPUS + "=" + gpus + "," + MAX_CONTAINERS_KEY + "="
        + maxContainers + "," + CPU_BASE + "=" + plain(cpuBasePercent) + "," + MEM_BASE + "=" + plain(memBasePercent);
  }

  private static boolean isKey(String key) {
    return key.equals(CORES) || key.equals(RAM) || key.equals(GPUS) || key.equals(MAX_CONTAINERS_KEY)
        || key.equals(CPU_BASE) || key.equals(MEM_BASE);
  }

  private static int whole(String key, String value, int min, int max) {
    if (WHOLE.matcher(value).matches()) {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) return (int) n;
    }
    throw new IllegalArgumentException(key + " must be a whole number from " + min + " to " + max + ", was '" + value + "'");
  }

  private static double ramGb(String value) {
    Matcher m = RAM_VALUE.matcher(value);
    if (m.matches()) {
      double amount = Double.parseDouble(m.group(1));
      double gb = m.group(2) != null && m.group(2).equalsIgnoreCase("m") ? amount / 1024 : amount;
      if (gb > 0 && gb <= MAX_RAM_GB) return gb;
    }
    throw new IllegalArgumentException(RAM + " must be like 64G or 512M (more than 0, at most " + (long) MAX_RAM_GB
        + "G), was '" + value + "'");
  }

  private static double percent(String key, String value) {
    if (DECIMAL.matcher(value).matches()) {
      double p = Double.parseDouble(value);
      if (p <= 100) return p;
    }
    throw new IllegalArgumentException(key + " must be a percent from 0 to 100, was '" + value + "'");
  }

  private static String example(String key) {
    return switch (key) {
      case CORES -> "cores=24";
      case RAM -> "ram=64G";
      case GPUS -> "gpus=2";
      case MAX_CONTAINERS_KEY -> "max_containers=60";
      default -> key + "=5";
    };
  }

  private static IllegalArgumentException bad(String key, String rule, Object value) {
    return new IllegalArgumentException(key + " must be " + rule + ", was '" + value + "'");
  }

  private static String plain(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
