package dev.gpuhub.core.replicas;

import java.util.List;

/** A request chain {@code mc_i}: the services one request to it calls. */
public record ServiceChain(String name, List<String> services) {
  public ServiceChain {
    services = List.copyOf(services);
  }
}
