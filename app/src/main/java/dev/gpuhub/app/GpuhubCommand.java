package dev.gpuhub.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gpuhub}: one program, several roles (SPEC §1). */
@Command(
    name = "gpuhub",
    mixinStandardHelpOptions = true,
    version = "gpuhub 0.1.0",
    description = "Share a lab's GPU and CPU machines: control plane, node agent and tools.",
    subcommands = {UpCommand.class, ServerCommand.class, AgentCommand.class, JoinTokenCommand.class, BuildImageCommand.class,
        SimulateCommand.class,
        dev.gpuhub.app.jobs.JobCommand.class,
        BrokerCommand.class,
        WorkerCommand.class,
        ClientCommand.class,
        PlanCommand.class,
        CommandLine.HelpCommand.class})
public final class GpuhubCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    if ("json".equalsIgnoreCase(System.getenv("GPUHUB_LOG_FORMAT"))) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
    int code = new CommandLine(new GpuhubCommand())
        .setExecutionExceptionHandler(new FriendlyErrors())
        .execute(args);
    if (code != 0) System.exit(code);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
