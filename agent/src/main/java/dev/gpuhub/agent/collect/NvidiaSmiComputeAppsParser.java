package dev.gpuhub.agent.collect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses {@code nvidia-smi --query-compute-apps=gpu_uuid,pid,used_memory --format=csv,noheader,nounits}:
 * one line per process on a GPU, e.g. {@code GPU-56c3e796-124e-f059-16a8-f9be2b254ce0, 23104, 1021}.
 * A process on several GPUs has one line per GPU. {@code used_memory} may be a no-value word
 * ({@code [N/A]}, as under MIG or in some containers): {@code null}. A malformed line is skipped with a
 * warning; parsing never throws. Output with no process is empty (or "No running processes found" on
 * some drivers, which is not a line of fields and is skipped quietly).
 */
final class NvidiaSmiComputeAppsParser {
  /** Arguments that make nvidia-smi print what {@link #parse(String)} reads. */
  static final List<String> ARGUMENTS = List.of("--query-compute-apps=gpu_uuid,pid,used_memory",
      "--format=csv,noheader,nounits");
  private static final Pattern UUID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern NO_VALUE = Pattern.compile("\\[.*]|N/A");
  private static final Pattern NO_PROCESSES = Pattern.compile("(?i)no running (compute )?processes found");
  private static final Logger LOG = LoggerFactory.getLogger(NvidiaSmiComputeAppsParser.class);

  private NvidiaSmiComputeAppsParser() {}

  static List<ComputeApp> parse(String output) {
    List<ComputeApp> apps = new ArrayList<>();
    String[] lines = output == null ? new String[0] : output.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || NO_PROCESSES.matcher(line).matches()) continue;
      try {
        apps.add(parseLine(line));
      } catch (IllegalArgumentException e) {
        LOG.warn("skipping malformed nvidia-smi compute-apps line {}: '{}' ({})", i + 1, line, e.getMessage());
      }
    }
    return apps;
  }

  private static ComputeApp parseLine(String line) {
    String[] f = Arrays.stream(line.split(",", -1)).map(String::strip).toArray(String[]::new);
    if (f.length != 3) throw new IllegalArgumentException("expected 3 comma-separated fields, found " + f.length);
    if (!UUID.matcher(f[0]).matches()) throw new IllegalArgumentException("gpu_uuid '" + f[0] + "' is not a GPU UUID");
    int pid;
    try {
      pid = Integer.parseInt(f[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("pid '" + f[1] + "' is not a number");
    }
    if (pid <= 0) throw new IllegalArgumentException("pid " + pid + " is not positive");
    Long used = null;
    if (!f[2].isEmpty() && !NO_VALUE.matcher(f[2]).matches()) {
      try {
        used = Long.parseLong(f[2]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("used_memory '" + f[2] + "' is not a number");
      }
      if (used < 0) throw new IllegalArgumentException("used_memory " + used + " is negative");
    }
    return new ComputeApp(f[0], pid, used);
  }
}
