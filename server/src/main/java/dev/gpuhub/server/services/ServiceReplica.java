package dev.gpuhub.server.services;

/**
 * One running replica of a service: its container on a node, listening on {@code ip:port}.
 *
 * @param service     the service's name
 * @param index       unique among the service's replicas, never reused while the controller runs
 * @param hostname    the node
 * @param ip          the node's address
 * @param port        the port the replica listens on (its {@code GPUHUB_PORT})
 * @param containerId the container, as the node's agent named it
 */
public record ServiceReplica(String service, int index, String hostname, String ip, int port, String containerId) {

  /** The reservation owner of this replica. */
  public String owner() {
    return owner(service, index);
  }

  public static String owner(String service, int index) {
    return dev.gpuhub.server.workload.Labels.SERVICE_OWNER + service + ":" + index;
  }

  /** This replica, its container started. */
  public ServiceReplica withContainer(String id) {
    return new ServiceReplica(service, index, hostname, ip, port, id);
  }

  /** Identifies the replica among all replicas of all services. */
  public String key() {
    return service + "/" + index;
  }
}
