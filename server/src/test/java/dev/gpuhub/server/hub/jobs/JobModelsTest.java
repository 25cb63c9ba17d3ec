package dev.gpuhub.server.hub.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.store.TrainingJobRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A job's reports change the scheduler's model of it at most once per refit interval. */
class JobModelsTest {
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  private final MutableClock clock = new MutableClock();
  private final List<Instant> fits = new ArrayList<>();
  private boolean fittable;
  private final JobModels<Object> models = new JobModels<>(Duration.ofMinutes(5), clock, job -> {
    fits.add(clock.instant());
    return fittable ? Optional.of(new Object()) : Optional.empty();
  });

  private static TrainingJobRecord reportedAt(Instant at) {
    return TrainingJobRecord.queued("alice", "t:1", List.of("x"), 1, 4, 64, "default", T0).withReport(null, at, List.of());
  }

  @Test
  void untilAModelExistsEveryNewReportTriesAFitThenAtMostOneFitPerInterval() {
    assertThat(models.model(reportedAt(T0))).isEmpty();
    assertThat(models.model(reportedAt(T0))).as("no new report: no new fit").isEmpty();
    clock.at = T0.plusSeconds(1);
    fittable = true;
    Optional<Object> first = models.model(reportedAt(T0.plusSeconds(1)));
    assertThat(first).isPresent();
    assertThat(fits).hasSize(2);
    for (int s = 2; s < 300; s += 10) { // a job that reports every few seconds, with new numbers each time
      clock.at = T0.plusSeconds(s);
      assertThat(models.model(reportedAt(T0.plusSeconds(s)))).isSameAs(first);
    }
    assertThat(fits).as("no refit within five minutes of the first model").hasSize(2);
    clock.at = T0.plusSeconds(302);
    assertThat(models.model(reportedAt(T0.plusSeconds(302)))).isNotSameAs(first).isPresent();
    assertThat(fits).hasSize(3);
    assertThat(models.latest(0)).isPresent();
    models.forget(0);
    assertThat(models.latest(0)).isEmpty();
  }

  private static final class MutableClock extends Clock {
    Instant at = T0;

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return at;
    }
  }
}
