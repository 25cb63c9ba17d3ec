package dev.gpuhub.server;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The discovery flows on the embedded default: H2 file database + in-memory TTL map. */
class EmbeddedDiscoveryFlowTest extends DiscoveryFlowContract {
  @TempDir Path dataDir;

  @Override
  RunningServer start(Map<String, String> extra) {
    return RunningServer.embedded(dataDir, extra);
  }

  @Override
  String durableKind() {
    return "h2";
  }
}
