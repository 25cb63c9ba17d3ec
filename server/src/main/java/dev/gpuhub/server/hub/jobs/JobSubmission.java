package dev.gpuhub.server.hub.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.goodput.policy.Metric;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.JsonFields;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a user submits ({@code POST /hub/api/jobs}), validated.
 *
 * @param image            container image of every replica
 * @param command          the command and its arguments, never empty
 * @param minGpus          fewest GPUs (one replica each), >= 1
 * @param maxGpus          most GPUs, >= minGpus
 * @param initialBatchSize the global batch size the job was tuned for (m0), >= 1
 * @param metric           what the scheduler optimises for it
 * @param priority         what it gives up to people waiting for GPUs
 */
public record JobSubmission(String image, List<String> command, int minGpus, int maxGpus, int initialBatchSize,
                            Metric metric, JobPriority priority) {
  /** Most GPUs one job may ask for. */
  public static final int MAX_GPUS = 1024;
  /** Largest batch size accepted. */
  public static final int MAX_BATCH_SIZE = 10_000_000;
  static final int MAX_ARGS = 256;
  static final int MAX_ARG_CHARS = 4096;
  /** Most characters of all arguments together: a command line, not a data channel. */
  static final int MAX_COMMAND_CHARS = 16_384;
  static final Set<String> FIELDS = Set.of("image", "command", "min_gpus", "max_gpus", "initial_batch_size", "metric",
      "priority_class");
  private static final Pattern IMAGE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._/:@-]*");

  /**
   * Reads a submission: {@code image} (required), {@code command} (a list of strings, or one string
   * split at white space; required), {@code min_gpus} (default 1), {@code max_gpus} (default
   * min_gpus), {@code initial_batch_size} (required), {@code metric} ({@code default}, {@code speed}
   * or {@code cost}; default {@code default}), {@code priority_class} ({@code job} or
   * {@code scavenger}; default {@code job}). Unknown fields are refused, so a typo never drops a
   * setting silently.
   *
   * @throws InvalidPayloadException naming the field and the rule
   */
  public static JobSubmission parse(JsonNode body) {
    JsonFields f = JsonFields.of(body, null);
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!FIELDS.contains(name)) {
        throw new InvalidPayloadException(name, "is not a job field; accepted fields are " + FIELDS.stream().sorted().toList());
      }
    }
    String image = f.requireText("image", 255, IMAGE, "an image reference such as gpuhub-notebook:latest");
    List<String> command = command(f);
    int min = (int) f.optionalLong("min_gpus", 1, MAX_GPUS, 1);
    if (f.has("max_gpus")) {
      long max = f.requireLong("max_gpus", 1, MAX_GPUS);
      if (max < min) throw new InvalidPayloadException("max_gpus", "must be at least min_gpus (" + min + "), got " + max);
    }
    int max = (int) f.optionalLong("max_gpus", min, MAX_GPUS, min);
    int batch = (int) f.requireLong("initial_batch_size", 1, MAX_BATCH_SIZE);
    Metric metric;
    try {
      metric = Metric.fromWireName(f.optionalText("metric", 16, null));
    } catch (IllegalArgumentException e) {
      throw new InvalidPayloadException("metric", e.getMessage());
    }
    JobPriority priority;
    try {
      priority = JobPriority.fromWireName(f.optionalText("priority_class", 32, null));
    } catch (IllegalArgumentException e) {
      throw new InvalidPayloadException("priority_class", e.getMessage());
    }
    return new JobSubmission(image, command, min, max, batch, metric, priority);
  }

  private static List<String> command(JsonFields f) {
    if (!f.has("command")) throw f.missing("command");
    JsonNode raw = f.raw("command");
    List<String> args = new ArrayList<>();
    if (raw.isTextual()) {
      if (raw.textValue().length() > MAX_ARG_CHARS) {
        throw new InvalidPayloadException("command", "is longer than " + MAX_ARG_CHARS + " characters");
      }
      String trimmed = raw.textValue().strip();
      if (!trimmed.isEmpty()) args.addAll(Arrays.asList(trimmed.split("\\s+")));
    } else if (raw.isArray()) {
      for (JsonNode a : raw) {
        if (!a.isTextual()) throw new InvalidPayloadException("command", "must hold only strings");
        if (a.textValue().length() > MAX_ARG_CHARS) {
          throw new InvalidPayloadException("command", "has an argument longer than " + MAX_ARG_CHARS + " characters");
        }
        args.add(a.textValue());
      }
    } else {
      throw new InvalidPayloadException("command", "must be a list of strings or a string");
    }
    if (args.isEmpty() || args.get(0).isBlank()) {
      throw new InvalidPayloadException("command", "must not be empty: give the program to run, e.g. [\"python3\", \"train.py\"]");
    }
    if (args.size() > MAX_ARGS) throw new InvalidPayloadException("command", "has more than " + MAX_ARGS + " arguments");
    int total = args.stream().mapToInt(String::length).sum();
    if (total > MAX_COMMAND_CHARS) {
      throw new InvalidPayloadException("command", "has " + total + " characters in all, more than " + MAX_COMMAND_CHARS
          + ": put long inputs into a file in your home and pass its path");
    }
    return List.copyOf(args);
  }
}
