package dev.gpuhub.core.quota;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** The period a GPU-hours budget covers, in UTC: a calendar month (the default), an ISO week, or a day. */
public enum UsagePeriod {
  MONTH, WEEK, DAY;

  /** When the period holding {@code now} began. */
  public Instant start(Instant now) {
    LocalDate day = now.atOffset(ZoneOffset.UTC).toLocalDate();
    LocalDate first = switch (this) {
      case MONTH -> day.withDayOfMonth(1);
      case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case DAY -> day;
    };
    return first.atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  /** When the period holding {@code now} ends (the next one begins). */
  public Instant end(Instant now) {
    LocalDate first = start(now).atOffset(ZoneOffset.UTC).toLocalDate();
    LocalDate next = switch (this) {
      case MONTH -> first.plusMonths(1);
      case WEEK -> first.plusWeeks(1);
      case DAY -> first.plusDays(1);
    };
    return next.atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  /** {@code month}, {@code week} or {@code day}. */
  public static UsagePeriod parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + name + "' is not a usage period: use month, week or day");
    }
  }
}
