package dev.gpuhub.store;

import dev.gpuhub.core.service.ServiceSpec;
import java.util.List;
import java.util.Optional;

/**
 * Declared replicated services (table {@code services}). Each method is one transaction; failures
 * are {@link StoreException}s.
 */
public interface ServiceRepository {
  /** @throws DuplicateNameException when a service with this name exists; nothing is written then */
  ServiceSpec create(ServiceSpec spec);

  /** Replaces the service with this name; false when there is none. */
  boolean update(ServiceSpec spec);

  /** False when there is no such service. */
  boolean delete(String name);

  Optional<ServiceSpec> find(String name);

  /** Every service, by name. */
  List<ServiceSpec> all();
}
