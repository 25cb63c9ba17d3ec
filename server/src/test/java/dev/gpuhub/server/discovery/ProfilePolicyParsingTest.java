package dev.gpuhub.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.wire.InvalidPayloadException;
import org.junit.jupiter.api.Test;

class ProfilePolicyParsingTest {
  private static final ObjectMapper M = new ObjectMapper();

  @Test
  void aProfileMayNameItsPlacementPolicy() throws Exception {
    Profile p = ProfileParser.forCreate(M.readTree(
        "{\"name\":\"dense\",\"cpu_requirement\":1,\"ram_requirement\":1,\"placement_policy\":\"PACK\"}"));
    assertThat(p.placementPolicy()).isEqualTo("pack");
    assertThat(ProfileParser.forUpdate(M.readTree("{\"placement_policy\":\"round_robin\"}"), p).placementPolicy())
        .isEqualTo("round_robin");
    assertThat(ProfileParser.forUpdate(M.readTree("{\"placement_policy\":null}"), p).placementPolicy()).isNull();
    assertThat(ProfileParser.forUpdate(M.readTree("{\"description\":\"x\"}"), p).placementPolicy()).isEqualTo("pack");
  }

  @Test
  void unknownOrMistypedPoliciesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> ProfileParser.forCreate(M.readTree(
        "{\"name\":\"x\",\"cpu_requirement\":1,\"ram_requirement\":1,\"placement_policy\":\"fastest\"}")))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageContaining("field 'placement_policy' is an unknown policy 'fastest'; use one of spread, pack");
    assertThatThrownBy(() -> ProfileParser.forCreate(M.readTree(
        "{\"name\":\"x\",\"cpu_requirement\":1,\"ram_requirement\":1,\"placement_policy\":3}")))
        .hasMessageContaining("field 'placement_policy' must be a string");
  }
}
