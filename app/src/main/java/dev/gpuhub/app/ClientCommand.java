package dev.gpuhub.app;

import dev.gpuhub.broker.AppType;
import dev.gpuhub.broker.BrokerClient;
import dev.gpuhub.broker.BrokerConfig;
import dev.gpuhub.broker.BrokerProtocol;
import dev.gpuhub.core.balance.Strategy;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine;

/** {@code gpuhub client <Long|Short> <least_connections|round_robin>}: seed 004's client. */
@Command(name = "client", mixinStandardHelpOptions = true,
    description = {
        "Seed 004's client: sends AppID:{type}:{approach} to the broker and prints '[Client] Received: <reply>'.",
        "Exit code 0 for a worker's reply, 1 for an error line from the broker, 2 when the broker cannot be reached."})
final class ClientCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TYPE", converter = TypeConverter.class, description = "Long or Short")
  AppType type;

  @Parameters(index = "1", paramLabel = "APPROACH", converter = StrategyConverter.class,
      description = "least_connections or round_robin")
  Strategy approach;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Broker host (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", defaultValue = "" + BrokerConfig.DEFAULT_PORT, description = "Broker port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--timeout", converter = DurationConverter.class, defaultValue = "60s",
      description = "How long to wait for the reply (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Override
  public Integer call() {
    String reply;
    try {
      reply = BrokerClient.request(new InetSocketAddress(host, port), type, approach, timeout);
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach the broker at " + host + ":" + port + ": " + e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("[Client] Received: " + reply.stripTrailing());
    out.flush();
    return BrokerProtocol.isError(reply) || reply.isEmpty() ? 1 : 0;
  }

  static final class TypeConverter implements ITypeConverter<AppType> {
    @Override
    public AppType convert(String value) {
      return AppType.fromWireName(value)
          .orElseThrow(() -> new TypeConversionException("'" + value + "' is not a type: use Long or Short"));
    }
  }

  static final class StrategyConverter implements ITypeConverter<Strategy> {
    @Override
    public Strategy convert(String value) {
      return Strategy.fromWireName(value).orElseThrow(
          () -> new TypeConversionException("'" + value + "' is not an approach: use least_connections or round_robin"));
    }
  }
}
