package dev.gpuhub.runtime;

/**
 * A {@link ContainerSpec} value breaks a rule. {@link #field()} is the field's snake_case wire name
 * ({@code name, image, command, env, labels, cpus, memory_bytes, gpu_device_uuids}) so an API can
 * answer {@code {"error": ..., "field": ...}}; the message names the field, the value and the rule.
 */
public class InvalidContainerSpecException extends IllegalArgumentException {
  private final String field;

  public InvalidContainerSpecException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The snake_case name of the offending field. */
  public String field() {
    return field;
  }
}
