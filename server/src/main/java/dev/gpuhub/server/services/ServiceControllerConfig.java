package dev.gpuhub.server.services;

import dev.gpuhub.core.config.EnvReader;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of the services loop.
 *
 * @param period        how often rates are read and the plan checked ({@code GPUHUB_SERVICE_PERIOD_SECONDS}, 30)
 * @param portMin       lowest port a replica listens on ({@code GPUHUB_SERVICE_PORT_MIN}, 30000)
 * @param portMax       highest ({@code GPUHUB_SERVICE_PORT_MAX}, 39999)
 * @param readyTimeout  how long a new replica may take to answer HTTP ({@code GPUHUB_SERVICE_READY_SECONDS}, 60)
 * @param drainTimeout  longest wait for a retiring replica's open requests ({@code GPUHUB_SERVICE_DRAIN_SECONDS}, 30)
 */
public record ServiceControllerConfig(Duration period, int portMin, int portMax, Duration readyTimeout,
                                      Duration drainTimeout) {
  public ServiceControllerConfig {
    if (portMin > portMax) throw new IllegalArgumentException("GPUHUB_SERVICE_PORT_MIN must not exceed GPUHUB_SERVICE_PORT_MAX");
  }

  public static ServiceControllerConfig fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    return new ServiceControllerConfig(
        Duration.ofMillis(Math.round(r.decimal("GPUHUB_SERVICE_PERIOD_SECONDS", 30, 0.1, 86_400) * 1000)),
        r.integer("GPUHUB_SERVICE_PORT_MIN", 30000, 1024, 65535),
        r.integer("GPUHUB_SERVICE_PORT_MAX", 39999, 1024, 65535),
        Duration.ofSeconds(r.integer("GPUHUB_SERVICE_READY_SECONDS", 60, 1, 3600)),
        Duration.ofSeconds(r.integer("GPUHUB_SERVICE_DRAIN_SECONDS", 30, 0, 3600)));
  }
}
