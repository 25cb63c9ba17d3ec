package dev.gpuhub.core.replicas;

/** The planner's input is wrong: the message names the problem (unknown service, negative rate, ...). */
public final class InvalidReplicaInputException extends IllegalArgumentException {
  public InvalidReplicaInputException(String message) {
    super(message);
  }
}
