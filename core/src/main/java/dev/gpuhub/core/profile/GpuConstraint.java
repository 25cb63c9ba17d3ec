package dev.gpuhub.core.profile;

import dev.gpuhub.core.node.GpuDevice;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which GPU devices a profile accepts: a model name pattern and a minimum memory. The pattern is
 * matched against the whole name the driver reports ({@code NVIDIA A100-SXM4-80GB}), ignoring
 * case, with {@code *} for any characters ({@code *A100*}); null or blank accepts any model. A
 * device whose memory is not reported does not meet a minimum.
 *
 * @param model       the name pattern, or null for any
 * @param minMemoryGb the least total memory in GB (1,024 MiB, as nvidia-smi's MiB / 1024), 0 for any
 */
public record GpuConstraint(String model, double minMemoryGb) {
  /** Any GPU. */
  public static final GpuConstraint ANY = new GpuConstraint(null, 0);
  /** Longest pattern. */
  public static final int MAX_MODEL_CHARS = 100;
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9 *._()/+-]{1," + MAX_MODEL_CHARS + "}");

  /** @throws IllegalArgumentException for a pattern with other characters or a negative memory */
  public GpuConstraint {
    if (model != null && model.isBlank()) model = null;
    if (model != null && !ALLOWED.matcher(model).matches()) {
      throw new IllegalArgumentException("gpu_model '" + model + "' is not a model pattern: use letters, digits, spaces,"
          + " '.', '_', '-', '+', '/', '(', ')' and '*' for any characters, at most " + MAX_MODEL_CHARS);
    }
    if (!(minMemoryGb >= 0) || Double.isInfinite(minMemoryGb)) {
      throw new IllegalArgumentException("gpu_min_memory_gb must be 0 or more, was " + minMemoryGb);
    }
  }

  /** Whether this accepts every GPU. */
  public boolean isAny() {
    return model == null && minMemoryGb == 0;
  }

  /** Whether {@code device} is of the model and has the memory. */
  public boolean matches(GpuDevice device) {
    if (model != null && !glob(model).matcher(device.name()).matches()) return false;
    if (minMemoryGb > 0) {
      return device.memoryTotalMb() != null && device.memoryTotalMb() / 1024.0 >= minMemoryGb - 1e-9;
    }
    return true;
  }

  /** "GPUs", or "GPUs matching '*A100*' with at least 40 GB", for messages. */
  public String describe() {
    if (isAny()) return "GPUs";
    StringBuilder b = new StringBuilder("GPUs");
    if (model != null) b.append(" matching '").append(model).append('\'');
    if (minMemoryGb > 0) b.append(" with at least ").append(num(minMemoryGb)).append(" GB");
    return b.toString();
  }

  private static Pattern glob(String pattern) {
    java.util.List<String> quoted = new java.util.ArrayList<>();
    for (String part : pattern.split("\\*", -1)) quoted.add(Pattern.quote(part.toLowerCase(Locale.ROOT)));
    return Pattern.compile(String.join(".*", quoted), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
