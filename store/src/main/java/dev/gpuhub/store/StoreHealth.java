package dev.gpuhub.store;

/**
 * Health of one store as {@code /health-check} reports it.
 *
 * @param kind   adapter name: {@code h2}, {@code postgres}, {@code memory} or {@code redis}
 * @param ok     whether the store answered a trivial query just now
 * @param detail where it is (JDBC URL without credentials, redis host:port) or the error it gave
 */
public record StoreHealth(String kind, boolean ok, String detail) {}
