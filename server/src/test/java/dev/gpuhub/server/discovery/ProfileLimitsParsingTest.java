package dev.gpuhub.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.wire.InvalidPayloadException;
import org.junit.jupiter.api.Test;

class ProfileLimitsParsingTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static Profile create(String json) throws Exception {
    return ProfileParser.forCreate(M.readTree(json));
  }

  @Test
  void guaranteesAndLimitsHaveJupyterHubsNames() throws Exception {
    Profile p = create("{\"name\":\"burst\",\"cpu_guarantee\":0.25,\"cpu_limit\":2,\"mem_guarantee\":0.5,\"mem_limit\":4}");
    assertThat(p.cpuGuarantee()).isEqualTo(0.25);
    assertThat(p.cpuLimit()).isEqualTo(2.0);
    assertThat(p.memGuarantee()).isEqualTo(0.5);
    assertThat(p.memLimit()).isEqualTo(4.0);
  }

  @Test
  void aLimitNotGivenIsTheGuaranteeOnCreateAndStaysOnUpdate() throws Exception {
    Profile p = create("{\"name\":\"fixed\",\"cpu_requirement\":2,\"ram_requirement\":3}");
    assertThat(p.cpuLimit()).isEqualTo(2.0);
    assertThat(p.memLimit()).isEqualTo(3.0);
    Profile lower = ProfileParser.forUpdate(M.readTree("{\"cpu_guarantee\":0.5}"), p);
    assertThat(lower.cpuGuarantee()).isEqualTo(0.5);
    assertThat(lower.cpuLimit()).isEqualTo(2.0);
  }

  @Test
  void aLimitBelowItsGuaranteeIsRefusedNamingTheLimit() throws Exception {
    assertThatThrownBy(() -> create("{\"name\":\"x\",\"cpu_guarantee\":2,\"cpu_limit\":1,\"mem_guarantee\":1}"))
        .isInstanceOfSatisfying(InvalidPayloadException.class, e -> assertThat(e.field()).isEqualTo("cpu_limit"))
        .hasMessageContaining("must be at least cpu_guarantee (2), got 1");
    Profile p = create("{\"name\":\"x\",\"cpu_guarantee\":1,\"mem_guarantee\":1,\"mem_limit\":2}");
    // raising a guarantee above the stored limit, without a new limit, is refused too
    assertThatThrownBy(() -> ProfileParser.forUpdate(M.readTree("{\"mem_guarantee\":3}"), p))
        .isInstanceOfSatisfying(InvalidPayloadException.class, e -> assertThat(e.field()).isEqualTo("mem_limit"));
    assertThat(ProfileParser.forUpdate(M.readTree("{\"mem_guarantee\":3,\"mem_limit\":3}"), p).memLimit()).isEqualTo(3.0);
  }

  @Test
  void aGuaranteeUnderBothNamesIsRefused() {
    assertThatThrownBy(() -> create("{\"name\":\"x\",\"cpu_guarantee\":1,\"cpu_requirement\":1,\"mem_guarantee\":1}"))
        .isInstanceOfSatisfying(InvalidPayloadException.class, e -> assertThat(e.field()).isEqualTo("cpu_guarantee"))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> create("{\"name\":\"x\",\"cpu_guarantee\":1}"))
        .isInstanceOfSatisfying(InvalidPayloadException.class, e -> assertThat(e.field()).isEqualTo("mem_guarantee"));
  }
}
