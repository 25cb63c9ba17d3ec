package dev.gpuhub.core.replicas;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Request rates per chain (req/s) at one moment; a chain without a rate gets none (0 req/s). */
public record LoadScenario(String name, Map<String, Double> rates) {
  public LoadScenario {
    rates = Collections.unmodifiableMap(new LinkedHashMap<>(rates));
  }
}
