package dev.gpuhub.agent.collect;

import dev.gpuhub.core.node.GpuDevice;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses the output of {@code nvidia-smi --query-gpu=QUERY --format=csv,noheader,nounits}: one
 * line per GPU, fields in {@link #QUERY} order, e.g.
 * {@code 0, GPU-56c3e796-124e-f059-16a8-f9be2b254ce0, NVIDIA GeForce RTX 3080 Ti, 12288, 10547, 0, 31}.
 *
 * <p>Values the driver cannot report ({@code [N/A]}, {@code [Not Supported]}, any bracketed word)
 * become {@code null}. A malformed line is skipped with a warning; parsing never throws. Pure apart
 * from that warning.
 */
public final class NvidiaSmiCsvParser {
  /** The fields queried, in output order. */
  public static final String QUERY = "index,uuid,name,memory.total,memory.used,utilization.gpu,temperature.gpu";
  /** Arguments that make nvidia-smi print what {@link #parse(String)} reads. */
  public static final List<String> ARGUMENTS = List.of("--query-gpu=" + QUERY, "--format=csv,noheader,nounits");
  private static final int FIELD_COUNT = 7;
  /** Trailing numeric fields after the name: memory.total, memory.used, utilization.gpu, temperature.gpu. */
  private static final int NUMERIC_TAIL = 4;
  /** GPU UUIDs the discovery service accepts. */
  private static final Pattern UUID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  /** nvidia-smi's words for "no value": [N/A], [Not Supported], [Unknown Error], ... */
  private static final Pattern NO_VALUE = Pattern.compile("\\[.*]|N/A");

  private static final Logger LOG = LoggerFactory.getLogger(NvidiaSmiCsvParser.class);

  private NvidiaSmiCsvParser() {}

  /** The GPUs listed in {@code output}, in output order; empty for empty output. */
  public static List<GpuDevice> parse(String output) {
    List<GpuDevice> gpus = new ArrayList<>();
    String[] lines = output == null ? new String[0] : output.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) continue;
      try {
        gpus.add(parseLine(line));
      } catch (IllegalArgumentException e) {
        LOG.warn("skipping malformed nvidia-smi line {}: '{}' ({})", i + 1, line, e.getMessage());
      }
    }
    return gpus;
  }

  private static GpuDevice parseLine(String line) {
    String[] f = Arrays.stream(line.split(",", -1)).map(String::strip).toArray(String[]::new);
    if (f.length < FIELD_COUNT) {
      throw new IllegalArgumentException("expected " + FIELD_COUNT + " comma-separated fields, found " + f.length);
    }
    int index;
    try {
      index = Integer.parseInt(f[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("index '" + f[0] + "' is not a number");
    }
    if (index < 0) throw new IllegalArgumentException("index " + index + " is negative");
    String uuid = f[1];
    if (!UUID.matcher(uuid).matches()) throw new IllegalArgumentException("uuid '" + uuid + "' is not a GPU UUID");
    // A name with commas spans several fields; the last four fields are always the numbers.
    int tail = f.length - NUMERIC_TAIL;
    String name = String.join(", ", Arrays.copyOfRange(f, 2, tail));
    if (name.isEmpty()) throw new IllegalArgumentException("name is empty");
    Long total = mebibytes(number("memory.total", f[tail]));
    Long used = mebibytes(number("memory.used", f[tail + 1]));
    Double memoryUtil = total == null || used == null ? null : Rounding.percent(used, total, 2);
    Double utilization = percent(number("utilization.gpu", f[tail + 2]));
    BigDecimal temperature = number("temperature.gpu", f[tail + 3]);
    return new GpuDevice(name, index, uuid, total, used, memoryUtil, utilization,
        temperature == null ? null : temperature.doubleValue());
  }

  /** The value of a numeric field; {@code null} for a no-value word. */
  private static BigDecimal number(String field, String text) {
    if (text.isEmpty() || NO_VALUE.matcher(text).matches()) return null;
    BigDecimal value;
    try {
      value = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " '" + text + "' is not a number");
    }
    if (value.signum() < 0) throw new IllegalArgumentException(field + " " + text + " is negative");
    return value;
  }

  private static Long mebibytes(BigDecimal value) {
    return value == null ? null : value.setScale(0, RoundingMode.HALF_UP).longValue();
  }

  private static Double percent(BigDecimal value) {
    return value == null ? null : Rounding.round(Math.min(100, value.doubleValue()), 2);
  }
}
