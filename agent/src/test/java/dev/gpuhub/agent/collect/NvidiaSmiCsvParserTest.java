package dev.gpuhub.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.gpuhub.agent.LogCapture;
import dev.gpuhub.core.node.GpuDevice;
import java.util.List;
import org.junit.jupiter.api.Test;

class NvidiaSmiCsvParserTest {

  @Test
  void noGpusIsAnEmptyList() {
    assertThat(NvidiaSmiCsvParser.parse(Fixtures.read("gpus-0.csv"))).isEmpty();
    assertThat(NvidiaSmiCsvParser.parse("\n  \n")).isEmpty();
    assertThat(NvidiaSmiCsvParser.parse(null)).isEmpty();
  }

  @Test
  void oneGpuWithEveryField() {
    assertThat(NvidiaSmiCsvParser.parse(Fixtures.read("gpus-1.csv"))).containsExactly(new GpuDevice(
        "NVIDIA GeForce RTX 3080 Ti", 0, "GPU-56c3e796-124e-f059-16a8-f9be2b254ce0",
        12288L, 10547L, 85.83, 0.0, 31.0));
  }

  @Test
  void eightGpusInOrder() {
    List<GpuDevice> gpus = NvidiaSmiCsvParser.parse(Fixtures.read("gpus-8.csv"));
    assertThat(gpus).extracting(GpuDevice::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(gpus.get(0)).isEqualTo(new GpuDevice("NVIDIA H100 80GB HBM3", 0,
        "GPU-1a2b3c4d-0001-4e5f-8a9b-0c1d2e3f4a50", 81559L, 71234L, 87.34, 97.0, 64.0));
    assertThat(gpus.get(4).memoryUtilPercent()).isEqualTo(50.0);
    assertThat(gpus.get(6).name()).isEqualTo("NVIDIA GeForce RTX 4090");
    assertThat(gpus.get(6).utilizationGpuPercent()).isEqualTo(100.0);
    assertThat(gpus.get(7).memoryUtilPercent()).isEqualTo(0.0);
  }

  @Test
  void valuesTheDriverCannotReportAreNull() {
    List<GpuDevice> gpus = NvidiaSmiCsvParser.parse(Fixtures.read("gpus-na.csv"));
    assertThat(gpus).containsExactly(
        new GpuDevice("NVIDIA A100-SXM4-40GB", 0, "GPU-4bd3a8a2-6f6c-0c45-2c2e-5d7b4a1e9f01", 40960L, null, null, null, 35.0),
        new GpuDevice("NVIDIA GeForce GTX 1050", 1, "GPU-c0ffee00-1111-2222-3333-444455556666", 2048L, 512L, 25.0, null, null));
  }

  @Test
  void malformedLinesAreSkippedWithAWarning() {
    try (LogCapture log = LogCapture.of(NvidiaSmiCsvParser.class)) {
      List<GpuDevice> gpus = NvidiaSmiCsvParser.parse(Fixtures.read("gpus-garbage.csv"));
      assertThat(gpus).extracting(GpuDevice::index).containsExactly(0, 3);
      assertThat(log.messages(Level.WARN)).hasSize(3)
          .anySatisfy(m -> assertThat(m).contains("line 2").contains("expected 7"))
          .anySatisfy(m -> assertThat(m).contains("line 3").contains("memory.total 'lots'"))
          .anySatisfy(m -> assertThat(m).contains("line 4").contains("index 'x'"));
    }
  }

  @Test
  void aNameWithCommasIsKeptWhole() {
    assertThat(NvidiaSmiCsvParser.parse("2, GPU-abc, Tesla K80, rev 2, 11441, 0, 0, 30"))
        .singleElement().satisfies(g -> assertThat(g.name()).isEqualTo("Tesla K80, rev 2"));
  }

  @Test
  void usedAboveTotalIsCappedAtOneHundredPercent() {
    assertThat(NvidiaSmiCsvParser.parse("0, GPU-abc, X, 100, 150, 0, 30"))
        .singleElement().satisfies(g -> assertThat(g.memoryUtilPercent()).isEqualTo(100.0));
  }
}
