package dev.gpuhub.server.workload;

/** A node API call failed; the message names the node and the agent's own error text. */
public final class AgentCallException extends LaunchException {
  public AgentCallException(String message) {
    super(message);
  }
}
