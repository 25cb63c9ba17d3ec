package dev.gpuhub.server.hub.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The seed load script's selected_nodes / primary_node form fields. */
class PreferredNodesTest {
  @Test
  void readsHostnamesOrNodeObjectsAndPutsThePrimaryFirst() {
    assertThat(SpawnRoutes.preferredNodes("[\"a\",\"b\"]", null)).containsExactly("a", "b");
    assertThat(SpawnRoutes.preferredNodes("[{\"hostname\":\"a\",\"ip\":\"1.2.3.4\"},{\"hostname\":\"b\"}]", "b"))
        .containsExactly("b", "a");
    assertThat(SpawnRoutes.preferredNodes("[\"a\",\"a\"]", null)).containsExactly("a");
  }

  @Test
  void anythingElseMeansNoPreference() {
    assertThat(SpawnRoutes.preferredNodes(null, "a")).isEmpty();
    assertThat(SpawnRoutes.preferredNodes("not json", null)).isEmpty();
    assertThat(SpawnRoutes.preferredNodes("", null)).isEmpty();
  }
}
