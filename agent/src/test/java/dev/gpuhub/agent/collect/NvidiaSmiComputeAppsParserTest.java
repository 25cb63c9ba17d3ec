package dev.gpuhub.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.gpuhub.agent.LogCapture;
import java.util.List;
import org.junit.jupiter.api.Test;

class NvidiaSmiComputeAppsParserTest {
  @Test
  void noProcessesIsAnEmptyList() {
    assertThat(NvidiaSmiComputeAppsParser.parse(Fixtures.read("apps-0.csv"))).isEmpty();
    assertThat(NvidiaSmiComputeAppsParser.parse(null)).isEmpty();
  }

  @Test
  void oneProcess() {
    assertThat(NvidiaSmiComputeAppsParser.parse(Fixtures.read("apps-1.csv")))
        .containsExactly(new ComputeApp("GPU-56c3e796-124e-f059-16a8-f9be2b254ce0", 23104, 10240L));
  }

  @Test
  void eightGpusWithSeveralProcessesOneOfThemOnTwoGpus() {
    List<ComputeApp> apps = NvidiaSmiComputeAppsParser.parse(Fixtures.read("apps-8.csv"));
    assertThat(apps).hasSize(5);
    assertThat(apps).filteredOn(a -> a.pid() == 4101).extracting(ComputeApp::gpuUuid)
        .containsExactly("GPU-1a2b3c4d-0001-4e5f-8a9b-0c1d2e3f4a50", "GPU-1a2b3c4d-0002-4e5f-8a9b-0c1d2e3f4a51");
  }

  @Test
  void memoryTheDriverCannotReportIsNull() {
    assertThat(NvidiaSmiComputeAppsParser.parse(Fixtures.read("apps-na.csv")))
        .containsExactly(new ComputeApp("GPU-56c3e796-124e-f059-16a8-f9be2b254ce0", 23104, null));
  }

  @Test
  void malformedLinesAreSkippedWithALogLineNeverACrash() {
    try (LogCapture log = LogCapture.of(NvidiaSmiComputeAppsParser.class)) {
      List<ComputeApp> apps = NvidiaSmiComputeAppsParser.parse(Fixtures.read("apps-garbage.csv"));
      assertThat(apps).containsExactly(new ComputeApp("GPU-56c3e796-124e-f059-16a8-f9be2b254ce0", 23104, 10240L));
      assertThat(log.messages(Level.WARN)).hasSize(6)
          .anySatisfy(m -> assertThat(m).contains("line 3").contains("pid 'twelve' is not a number"))
          .anySatisfy(m -> assertThat(m).contains("not a GPU UUID"))
          .anySatisfy(m -> assertThat(m).contains("found 2"))
          .anySatisfy(m -> assertThat(m).contains("used_memory -1 is negative"));
    }
  }
}
