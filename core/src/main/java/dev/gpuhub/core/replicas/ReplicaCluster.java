package dev.gpuhub.core.replicas;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The fixed part of a planning problem: nodes, services and the chains that call them (SPEC §6).
 * The constructor checks it and throws {@link InvalidReplicaInputException} naming the first problem:
 * empty or duplicate names, non-positive capacities or demands, a scalable service without a positive
 * request threshold, a chain that calls an unknown service, a service whose single replica fits on no
 * node (the capacity constraint is strict: {@code used < capacity} in CPU and in memory).
 */
public record ReplicaCluster(List<ReplicaNode> nodes, List<ReplicaService> services, List<ServiceChain> chains) {

  public ReplicaCluster {
    nodes = List.copyOf(nodes);
    services = List.copyOf(services);
    chains = List.copyOf(chains);
    validate(nodes, services, chains);
  }

  /** Index of the service with this name, or -1. */
  public int serviceIndex(String name) {
    for (int j = 0; j < services.size(); j++) {
      if (services.get(j).name().equals(name)) return j;
    }
    return -1;
  }

  /** Index of the chain with this name, or -1. */
  public int chainIndex(String name) {
    for (int i = 0; i < chains.size(); i++) {
      if (chains.get(i).name().equals(name)) return i;
    }
    return -1;
  }

  private static void validate(List<ReplicaNode> nodes, List<ReplicaService> services, List<ServiceChain> chains) {
    if (nodes.isEmpty()) throw bad("no nodes");
    if (services.isEmpty()) throw bad("no services");
    Set<String> names = new HashSet<>();
    for (ReplicaNode n : nodes) {
      requireName("node", n.name());
      if (!names.add(n.name())) throw bad("node " + n.name() + " is listed twice");
      if (!(n.cpuMillicores() > 0) || !Double.isFinite(n.cpuMillicores())) {
        throw bad("node " + n.name() + " has no positive cpu_millicores");
      }
      if (!(n.memoryMb() > 0) || !Double.isFinite(n.memoryMb())) {
        throw bad("node " + n.name() + " has no positive memory_mb");
      }
    }
    names.clear();
    for (ReplicaService s : services) {
      requireName("service", s.name());
      if (!names.add(s.name())) throw bad("service " + s.name() + " is listed twice");
      if (!(s.cpuMillicores() >= 0) || !Double.isFinite(s.cpuMillicores())) {
        throw bad("service " + s.name() + " has a negative or missing cpu_millicores");
      }
      if (!(s.memoryMb() >= 0) || !Double.isFinite(s.memoryMb())) {
        throw bad("service " + s.name() + " has a negative or missing memory_mb");
      }
      if (s.scalable() && (!(s.requestThreshold() > 0) || !Double.isFinite(s.requestThreshold()))) {
        throw bad("scalable service " + s.name() + " needs a positive request_threshold (req/s one replica serves)");
      }
      boolean fits = false;
      for (ReplicaNode n : nodes) {
        if (s.cpuMillicores() < n.cpuMillicores() && s.memoryMb() < n.memoryMb()) {
          fits = true;
          break;
        }
      }
      if (!fits) {
        throw bad(String.format(Locale.ROOT,
            "service %s fits on no node (one replica needs %s millicores and %s MB; usage must stay below a node's capacity)",
            s.name(), num(s.cpuMillicores()), num(s.memoryMb())));
      }
    }
    names.clear();
    for (ServiceChain c : chains) {
      requireName("chain", c.name());
      if (!names.add(c.name())) throw bad("chain " + c.name() + " is listed twice");
      if (c.services().isEmpty()) throw bad("chain " + c.name() + " calls no service");
      for (String member : c.services()) {
        boolean known = services.stream().anyMatch(s -> s.name().equals(member));
        if (!known) throw bad("chain " + c.name() + " calls unknown service '" + member + "'");
      }
    }
  }

  private static void requireName(String what, String name) {
    if (name == null || name.isBlank()) throw bad("a " + what + " has no name");
  }

  static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private static InvalidReplicaInputException bad(String message) {
    return new InvalidReplicaInputException(message);
  }
}
