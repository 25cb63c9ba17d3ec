package dev.gpuhub.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CpuFallbackTest {
  private static final Profile GPU = DefaultProfiles.SINGLE_GPU;

  @Test
  void theCpuProfileWithTheClosestCoresWins() {
    Profile small = DefaultProfiles.SINGLE_CPU;
    Profile big = new Profile(9, "eight-cores", "Eight cores", "", 8, 16, false, 1, 1, 80, 85);
    assertThat(CpuFallback.of(GPU, List.of(GPU, big, small, DefaultProfiles.MULTI_GPU), Set.of()))
        .contains(Math.abs(big.cpuGuarantee() - GPU.cpuGuarantee()) < Math.abs(small.cpuGuarantee() - GPU.cpuGuarantee())
            ? big : small);
  }

  @Test
  void retiredGroupLimitedAndMultiNodeProfilesAreNotOffered() {
    Profile retired = DefaultProfiles.SINGLE_CPU.withRetired(true);
    Profile staff = new Profile(7, "staff-cpu", "Staff CPU", "", 1, 1, false, 1, 1, 80, 85).withGroups(List.of("staff"));
    Profile multi = DefaultProfiles.MULTI_CPU;
    assertThat(CpuFallback.of(GPU, List.of(retired, staff, multi), Set.of())).isEmpty();
    assertThat(CpuFallback.of(GPU, List.of(retired, staff, multi), Set.of("staff"))).contains(staff);
  }

  @Test
  void idleMinutesOutsideZeroToAWeekAreRefused() {
    assertThat(GPU.withGpuIdleMinutes(0.0).gpuIdleMinutes()).isZero();
    assertThat(GPU.withGpuIdleMinutes(null).gpuIdleMinutes()).isNull();
    assertThatThrownBy(() -> GPU.withGpuIdleMinutes(-1.0)).hasMessageContaining("gpu_idle_minutes");
    assertThatThrownBy(() -> GPU.withGpuIdleMinutes(Profile.MAX_GPU_IDLE_MINUTES + 1)).hasMessageContaining("gpu_idle_minutes");
    assertThatThrownBy(() -> GPU.withGpuIdleMinutes(Double.NaN)).hasMessageContaining("gpu_idle_minutes");
  }
}
