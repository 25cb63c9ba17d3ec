package dev.gpuhub.server.discovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.core.allocation.NodeAllocation;
import dev.gpuhub.core.allocation.Placement;
import dev.gpuhub.core.allocation.QueueEntry;
import dev.gpuhub.core.allocation.Reservation;
import dev.gpuhub.wire.WireJson;
import java.util.List;
import java.util.Map;

/** JSON views of reservations, node allocations and queue entries (snake_case, as the rest of the API). */
public final class ReservationViews {
  private static final ObjectMapper MAPPER = WireJson.mapper();

  private ReservationViews() {}

  public static ObjectNode reservation(Reservation r) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", r.id());
    n.put("owner", r.owner());
    n.put("profile", r.profile());
    n.put("hostname", r.hostname());
    n.put("cpu", r.cpu());
    n.put("memory_gb", r.memoryGb());
    n.set("gpu_uuids", MAPPER.valueToTree(r.gpuUuids()));
    n.put("state", r.state().name().toLowerCase(java.util.Locale.ROOT));
    n.put("created_at", r.createdAt().toString());
    n.put("expires_at", r.expiresAt() == null ? null : r.expiresAt().toString());
    n.put("bound_at", r.boundAt() == null ? null : r.boundAt().toString());
    n.put("container_id", r.containerId());
    return n;
  }

  public static ObjectNode placement(Placement p) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("owner", p.owner());
    ArrayNode rs = n.putArray("reservations");
    for (Reservation r : p.reservations()) rs.add(reservation(r));
    return n;
  }

  public static ObjectNode allocation(NodeAllocation a) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("hostname", a.hostname());
    n.put("cpu_capacity", a.cpuCapacity());
    n.put("cpu_reserved", a.cpuReserved());
    n.put("memory_capacity_gb", a.memoryCapacity());
    n.put("memory_reserved_gb", a.memoryReserved());
    n.put("containers", a.containers());
    n.put("max_containers", a.report().maxContainers());
    ArrayNode gpus = n.putArray("gpus");
    for (Map.Entry<String, String> g : a.gpuHolders().entrySet()) {
      gpus.addObject().put("uuid", g.getKey()).put("held_by", g.getValue());
    }
    return n;
  }

  public static ObjectNode queueEntry(QueueEntry q) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("owner", q.owner());
    n.put("profile", q.profile());
    n.put("queue", q.queueClass());
    n.put("position", q.position());
    n.put("queue_length", q.queueLength());
    n.put("since", q.since().toString());
    n.put("deadline", q.deadline().toString());
    if (q.estimatedSeconds() == null) n.putNull("estimated_wait_seconds");
    else n.put("estimated_wait_seconds", q.estimatedSeconds());
    n.set("why_pending", MAPPER.valueToTree(q.why()));
    return n;
  }

  public static ArrayNode list(List<?> items) {
    ArrayNode a = MAPPER.createArrayNode();
    for (Object o : items) {
      if (o instanceof Reservation r) a.add(reservation(r));
      else if (o instanceof NodeAllocation al) a.add(allocation(al));
      else if (o instanceof QueueEntry q) a.add(queueEntry(q));
      else throw new IllegalArgumentException("no view for " + o.getClass());
    }
    return a;
  }
}
