package dev.gpuhub.server.hub;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of tests against an {@link EmbeddedHub} with three users and their API tokens: {@code alice}
 * and {@code bob}, and the administrator {@code root}. A subclass's own {@code @BeforeEach} runs after
 * this one's.
 */
public abstract class EmbeddedHubTest {
  @TempDir protected Path dataDir;
  protected EmbeddedHub h;
  protected String alice;
  protected String bob;
  protected String root;

  @BeforeEach
  protected void startHub() {
    h = new EmbeddedHub(dataDir);
    alice = h.user("alice", false);
    bob = h.user("bob", false);
    root = h.user("root", true);
  }

  @AfterEach
  protected void stopHub() {
    if (h != null) h.close();
  }
}
