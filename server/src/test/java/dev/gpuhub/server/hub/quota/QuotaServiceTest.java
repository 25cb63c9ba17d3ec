package dev.gpuhub.server.hub.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.core.quota.Quota;
import dev.gpuhub.core.quota.Usage;
import dev.gpuhub.core.quota.UsagePeriod;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.QuotaExceededException;
import dev.gpuhub.server.hub.spawn.TestServers;
import dev.gpuhub.store.QuotaRecord;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.store.Stores;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quotas on the embedded store, with the clock injected: concurrent limits and GPU-hour budgets per period. */
class QuotaServiceTest {
  private static final Profile ONE_GPU = new Profile(1, "one-gpu", "One GPU", "", 1, 1, true, 1, 1, 100, 100);
  private static final Profile TWO_GPU = ONE_GPU.withGpus(2, dev.gpuhub.core.profile.GpuConstraint.ANY);
  private static final Profile CPU = new Profile(2, "cpu", "CPU", "", 1, 1, false, 1, 1, 100, 100);
  private static final Map<String, Profile> PROFILES = Map.of("one-gpu", ONE_GPU, "two-gpu", TWO_GPU, "cpu", CPU);

  @TempDir Path dir;
  private Stores stores;
  private final dev.gpuhub.testkit.MutableClock clock = new dev.gpuhub.testkit.MutableClock(Instant.parse("2026-12-30T10:00:00Z"));
  private Instant now = clock.instant();
  private final List<ActiveServer> active = new ArrayList<>();
  private QuotaService quotas;

  @BeforeEach
  void open() {
    stores = Stores.open(StoreConfig.embedded(dir));
    for (String u : List.of("alice", "bob", "carol")) stores.hub().createUser(u, null, false);
    stores.hub().createGroup("lab", List.of("alice", "bob"));
    quotas = new QuotaService(stores.hub(), () -> active, n -> Optional.ofNullable(PROFILES.get(n)), UsagePeriod.MONTH, clock);
  }

  @AfterEach
  void close() {
    stores.close();
  }

  @Test
  void aUserWithoutQuotasMayStartAnything() {
    quotas.admit("carol", TWO_GPU, 1);
  }

  @Test
  void aOneGpuLimitRefusesASecondGpuServerAndATwoGpuOneNamingTheQuota() {
    stores.hub().setQuota(new QuotaRecord(QuotaRecord.USER, "alice", new Quota(1, null, null)));
    assertThatThrownBy(() -> quotas.admit("alice", TWO_GPU, 1)).isInstanceOf(QuotaExceededException.class)
        .hasMessage("quota: user alice may hold at most 1 GPU(s) at once; 0 held, 2 asked for");
    quotas.admit("alice", ONE_GPU, 1);
    quotas.admit("alice", CPU, 1); // a CPU server is not limited by a GPU quota
    // a group's limit is its members' sum: alice's running GPU server leaves bob none
    stores.hub().setQuota(new QuotaRecord(QuotaRecord.GROUP, "lab", new Quota(1, 3, null)));
    active.add(TestServers.running("alice", "one-gpu"));
    assertThatThrownBy(() -> quotas.admit("bob", ONE_GPU, 1)).isInstanceOf(QuotaExceededException.class)
        .hasMessage("quota: group lab may hold at most 1 GPU(s) at once; 1 held, 1 asked for");
    quotas.admit("carol", ONE_GPU, 1); // not in the group
    quotas.admit("bob", CPU, 1);
    active.add(TestServers.running("bob", "cpu"));
    active.add(TestServers.running("carol", "cpu"));
    stores.hub().setQuota(new QuotaRecord(QuotaRecord.GROUP, "lab", new Quota(null, 2, null)));
    assertThatThrownBy(() -> quotas.admit("alice", CPU, 1))
        .hasMessage("quota: group lab may run at most 2 server(s) at once; 2 running or starting");
  }

  @Test
  void aSpentGpuHourBudgetRefusesTheNextStartUntilTheNextPeriod() {
    stores.hub().setQuota(new QuotaRecord(QuotaRecord.USER, "alice", new Quota(null, null, 1.0)));
    // 40 minutes on 1 GPU: 0.67 of 1 GPU-hour, still allowed
    stores.hub().usageStarted(new Usage("alice", "", "one-gpu", 1, 1, now.minusSeconds(3600), null));
    stores.hub().usageEnded("alice", "", now.minusSeconds(1200));
    quotas.admit("alice", ONE_GPU, 1);
    // a running 2-GPU server for 10 more minutes: 0.67 + 0.33 = 1 GPU-hour, spent
    stores.hub().usageStarted(new Usage("alice", "", "two-gpu", 2, 1, now.minusSeconds(600), null));
    assertThatThrownBy(() -> quotas.admit("alice", ONE_GPU, 1)).isInstanceOf(QuotaExceededException.class)
        .hasMessageStartingWith("quota: the GPU-hours budget of user alice is spent (1.00 of 1 GPU-hours this month);"
            + " it renews on 2027-01-01T00:00:00Z");
    quotas.admit("alice", CPU, 1); // CPU servers use no GPU-hours
    assertThat(quotas.usageByUser().get("alice")[0]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    stores.hub().usageEnded("alice", "", now);

    clock.set(Instant.parse("2027-01-01T00:00:01Z")); // the next month: a new budget
    quotas.admit("alice", ONE_GPU, 1);
    assertThat(quotas.usageByUser()).doesNotContainKey("alice");
  }
}
