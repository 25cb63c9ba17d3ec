package dev.gpuhub.core.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServerIdTest {
  @Test
  void defaultAndNamedServersHaveTheirOwnPrefixesAndNames() {
    ServerId def = ServerId.defaultOf("alice");
    ServerId gpu = new ServerId("alice", "gpu");
    assertTrue(def.isDefault());
    assertEquals("/user/alice/", def.prefix());
    assertEquals("/user/alice/gpu/", gpu.prefix());
    assertEquals("alice/", def.scopeKey());
    assertEquals("alice/gpu", gpu.scopeKey());
    assertEquals("alice", def.slug());
    assertEquals("alice_gpu", gpu.slug());
    assertEquals(def, ServerId.parseCompact(def.compact()));
    assertEquals(gpu, ServerId.parseCompact(gpu.compact()));
    assertEquals(gpu, ServerId.parseSlug(gpu.slug()));
    assertEquals(def, new ServerId("alice", null));
  }

  @Test
  void badAndReservedNamesAreRefusedWithTheReason() {
    IllegalArgumentException upper = assertThrows(IllegalArgumentException.class, () -> new ServerId("alice", "GPU"));
    assertTrue(upper.getMessage().contains("'GPU' is not"), upper.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ServerId("alice", "a/b"));
    assertThrows(IllegalArgumentException.class, () -> new ServerId("alice", "a_b"));
    assertThrows(IllegalArgumentException.class, () -> new ServerId("alice", "-x"));
    assertThrows(IllegalArgumentException.class, () -> new ServerId("alice", "x".repeat(33)));
    IllegalArgumentException lab = assertThrows(IllegalArgumentException.class, () -> new ServerId("alice", "lab"));
    assertTrue(lab.getMessage().contains("path of the default server"), lab.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ServerId("a_b", ""));
  }
}
