package dev.gpuhub.core.allocation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reservations indexed by id, owner and node. Not thread-safe: the engine's lock guards it. */
final class ReservationLedger {
  private final Map<String, Reservation> byId = new HashMap<>();
  private final Map<String, Map<String, Reservation>> byOwner = new HashMap<>();
  private final Map<String, Map<String, Reservation>> byNode = new HashMap<>();

  void put(Reservation r) {
    Reservation old = byId.put(r.id(), r);
    if (old != null) unindex(old);
    byOwner.computeIfAbsent(r.owner(), o -> new LinkedHashMap<>()).put(r.id(), r);
    byNode.computeIfAbsent(r.hostname(), h -> new LinkedHashMap<>()).put(r.id(), r);
  }

  void putAll(Collection<Reservation> rs) {
    rs.forEach(this::put);
  }

  void remove(Reservation r) {
    if (byId.remove(r.id()) != null) unindex(r);
  }

  void removeAll(Collection<Reservation> rs) {
    rs.forEach(this::remove);
  }

  private void unindex(Reservation r) {
    removeFrom(byOwner, r.owner(), r.id());
    removeFrom(byNode, r.hostname(), r.id());
  }

  private static void removeFrom(Map<String, Map<String, Reservation>> index, String key, String id) {
    Map<String, Reservation> m = index.get(key);
    if (m == null) return;
    m.remove(id);
    if (m.isEmpty()) index.remove(key);
  }

  /** The owner's reservations in the order they were taken (primary first). */
  List<Reservation> ofOwner(String owner) {
    Map<String, Reservation> m = byOwner.get(owner);
    return m == null ? List.of() : new ArrayList<>(m.values());
  }

  List<Reservation> onNode(String hostname) {
    Map<String, Reservation> m = byNode.get(hostname);
    return m == null ? List.of() : new ArrayList<>(m.values());
  }

  boolean holds(String owner) {
    return byOwner.containsKey(owner);
  }

  List<Reservation> all() {
    return new ArrayList<>(byId.values());
  }
}
