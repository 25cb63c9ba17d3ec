package dev.gpuhub.core.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class UsagePeriodTest {
  private static final Instant T = Instant.parse("2026-12-03T17:45:00Z"); // a Thursday

  @Test
  void periodsAreCalendarMonthsIsoWeeksAndDaysInUtc() {
    assertThat(UsagePeriod.MONTH.start(T)).isEqualTo("2026-12-01T00:00:00Z");
    assertThat(UsagePeriod.MONTH.end(T)).isEqualTo("2027-01-01T00:00:00Z");
    assertThat(UsagePeriod.WEEK.start(T)).isEqualTo("2026-11-30T00:00:00Z");
    assertThat(UsagePeriod.WEEK.end(T)).isEqualTo("2026-12-07T00:00:00Z");
    assertThat(UsagePeriod.DAY.start(T)).isEqualTo("2026-12-03T00:00:00Z");
    assertThat(UsagePeriod.parse(" Week ")).isEqualTo(UsagePeriod.WEEK);
    assertThatThrownBy(() -> UsagePeriod.parse("year")).hasMessageContaining("use month, week or day");
  }

  @Test
  void usageCountsOnlyItsTimeInsideTheWindowAndARunningOneUpToNow() {
    Usage crossing = new Usage("a", "", "p", 2, 0.5, Instant.parse("2026-11-30T23:00:00Z"), Instant.parse("2026-12-01T01:00:00Z"));
    Instant from = UsagePeriod.MONTH.start(T);
    assertThat(crossing.secondsWithin(from, T)).isEqualTo(3600);
    assertThat(crossing.gpuSecondsWithin(from, T)).isEqualTo(7200);
    assertThat(crossing.coreSecondsWithin(from, T)).isEqualTo(1800);
    Usage running = new Usage("a", "", "p", 1, 1, T.minusSeconds(60), null);
    assertThat(running.secondsWithin(from, T)).isEqualTo(60);
    assertThat(new Usage("a", null, "p", 1, 1, T.plusSeconds(10), null).secondsWithin(from, T)).isZero();
  }
}
