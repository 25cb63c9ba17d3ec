package dev.gpuhub.app.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code gpuhub job submit} turns its options into the API body; the hub validates the rest. */
class JobCommandTest {
  private static JobCommand.Submit parse(String... args) {
    JobCommand.Submit submit = new JobCommand.Submit();
    new CommandLine(submit).parseArgs(args);
    return submit;
  }

  @Test
  void theCommandAfterDoubleDashIsAList() {
    var body = parse("--token", "t", "--image", "trainer:1", "--min-gpus", "2", "--max-gpus", "4", "--batch-size", "64",
        "--metric", "speed", "--", "python3", "train.py", "--lr", "0.1").body();
    assertThat(body.toString()).isEqualTo("{\"image\":\"trainer:1\",\"command\":[\"python3\",\"train.py\",\"--lr\",\"0.1\"],"
        + "\"min_gpus\":2,\"max_gpus\":4,\"initial_batch_size\":64,\"metric\":\"speed\"}");
  }

  @Test
  void commandAsOneStringAndDefaults() {
    var body = parse("--token", "t", "--image", "trainer:1", "--batch-size", "32", "--command", "python3 train.py").body();
    assertThat(body.path("command").asText()).isEqualTo("python3 train.py");
    assertThat(body.path("min_gpus").asInt()).isEqualTo(1);
    assertThat(body.path("max_gpus").asInt()).isEqualTo(1);
    assertThat(body.path("metric").asText()).isEqualTo("default");
  }

  @Test
  void missingOrDoubleCommandsAndAMissingTokenEndWithOneClearLine() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new JobCommand()).setErr(new PrintWriter(err))
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println(e.getMessage());
          return 2;
        });
    assertThat(cli.execute("submit", "--token", "t", "--image", "i", "--batch-size", "8")).isEqualTo(2);
    assertThat(err.toString()).contains("no command");
    assertThat(cli.execute("submit", "--token", "t", "--image", "i", "--batch-size", "8", "--command", "a", "--", "b"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("not both");
    assertThat(cli.execute("list", "--token", " ")).isEqualTo(2);
    assertThat(err.toString()).contains("no API token");
  }
}
