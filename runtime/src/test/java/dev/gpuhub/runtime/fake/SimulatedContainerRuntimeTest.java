package dev.gpuhub.runtime.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.runtime.ContainerRuntimeContract;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.ContainerStartException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulated runtime keeps the runtime contract, and its stand-in responders live exactly as long as their containers. */
class SimulatedContainerRuntimeTest extends ContainerRuntimeContract {
  private static final String IMAGE = "gpuhub-test/busybox:latest";
  private static final String HOST = "127.0.0.1";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final SimulatedContainerRuntime runtime =
      new SimulatedContainerRuntime(HOST, Clock.systemUTC(), SimulatedContainerRuntime.sharedExecutor(), IMAGE);

  @AfterEach
  void closeRuntime() {
    runtime.close();
  }

  @Override
  protected ContainerRuntime runtime() {
    return runtime;
  }

  @Override
  protected String image() {
    return IMAGE;
  }

  @Override
  protected List<String> longRunningCommand() {
    return List.of("sleep", "300");
  }

  @Override
  protected String startExiting(String name, int exitCode) {
    String id = runtime.start(ContainerSpec.of(name, IMAGE, List.of("sh", "-c", "exit " + exitCode)));
    runtime.exit(id, exitCode);
    return id;
  }

  /** Records what a listener hears, in order. */
  private static final class Recorder implements SimulatedContainerRuntime.Listener {
    final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void started(String id, ContainerSpec spec) {
      events.add("started " + spec.name() + " " + spec.env().getOrDefault("RANK", "-"));
    }

    @Override
    public void ended(String id) {
      events.add("ended " + runtimeName(id));
    }

    String runtimeName(String id) {
      return id.substring(0, 6);
    }
  }

  @Test
  void listenersHearEachStartOnceAndItsEndOnceWhetherStoppedExitedRemovedOrClosed() {
    Recorder heard = new Recorder();
    runtime.addListener(heard);
    String stopped = runtime.start(ContainerSpec.of(uniqueName("a"), IMAGE, List.of()).withEnv(Map.of("RANK", "0")));
    String exited = runtime.start(ContainerSpec.of(uniqueName("b"), IMAGE, List.of()));
    String removed = runtime.start(ContainerSpec.of(uniqueName("c"), IMAGE, List.of()));
    String open = runtime.start(ContainerSpec.of(uniqueName("d"), IMAGE, List.of()));
    assertThat(heard.events).hasSize(4).allMatch(e -> e.startsWith("started "));
    assertThat(heard.events.get(0)).endsWith(" 0");

    runtime.stop(stopped, Duration.ofSeconds(1));
    runtime.remove(stopped); // already ended: not heard again
    runtime.exit(exited, 0);
    runtime.remove(removed);
    runtime.remove(removed);
    runtime.close();
    runtime.close();

    assertThat(heard.events.subList(4, heard.events.size())).containsExactly("ended " + heard.runtimeName(stopped),
        "ended " + heard.runtimeName(exited), "ended " + heard.runtimeName(removed), "ended " + heard.runtimeName(open));
  }

  @Test
  void aListenerMayEndItsContainerFromAnotherThreadAndAFailingListenerChangesNothing() throws Exception {
    runtime.addListener(new SimulatedContainerRuntime.Listener() {
      @Override
      public void started(String id, ContainerSpec spec) {
        throw new IllegalStateException("broken listener");
      }

      @Override
      public void ended(String id) {
        throw new IllegalStateException("broken listener");
      }
    });
    Recorder heard = new Recorder();
    runtime.addListener(heard);
    String id = runtime.start(ContainerSpec.of(uniqueName("e"), IMAGE, List.of()));
    Thread process = new Thread(() -> runtime.exit(id, 3)); // as a harness does when its stand-in process exits
    process.start();
    process.join(5000);

    assertThat(runtime.inspect(id).orElseThrow().exitCode()).isEqualTo(3);
    assertThat(heard.events).containsExactly("started " + runtime.specOf(id).orElseThrow().name() + " -",
        "ended " + heard.runtimeName(id));
  }

  @Test
  void aContainerWithGpuhubPortAnswers200OnThatPortUntilRemoved() {
    int port = freePort();
    String id = runtime.start(withPort(uniqueName("sim-srv"), port));
    assertThat(runtime.responderPorts()).containsExactly(port);
    for (String path : List.of("/user/alice/api/status", "/", "/anything?x=1")) {
      HttpResponse<String> r = get(port, path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"simulated\":true}");
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    }
    assertThat(send(port, HttpRequest.newBuilder(url(port, "/x")).POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode())
        .isEqualTo(405);

    assertThat(runtime.remove(id)).isTrue();
    assertThat(runtime.responderPorts()).isEmpty();
    assertThatThrownBy(() -> get(port, "/user/alice/api/status")).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void stopAndExitAlsoSilenceTheResponderAndThePortCanBeUsedAgain() {
    int port = freePort();
    String first = runtime.start(withPort(uniqueName("sim-stop"), port));
    runtime.stop(first, GRACE);
    assertThatThrownBy(() -> get(port, "/")).isInstanceOf(UncheckedIOException.class);
    assertThat(runtime.inspect(first)).hasValueSatisfying(i -> assertThat(i.running()).isFalse());

    String second = runtime.start(withPort(uniqueName("sim-exit"), port));
    assertThat(get(port, "/").statusCode()).isEqualTo(200);
    runtime.exit(second, 1);
    assertThatThrownBy(() -> get(port, "/")).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void aTakenPortFailsTheStartNamingThePortAndLeavesNothing() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      int port = taken.getLocalPort();
      String name = uniqueName("sim-taken");
      assertThatThrownBy(() -> runtime.start(withPort(name, port)))
          .isInstanceOfSatisfying(ContainerStartException.class,
              e -> assertThat(e.reason()).isEqualTo(ContainerStartException.Reason.FAILED))
          .hasMessageContaining("port " + port)
          .hasMessageContaining("already in use")
          .hasMessageContaining(name);
      assertThat(runtime.inspect(name)).isEmpty();
      assertThat(runtime.runningSpecs()).isEmpty();
      assertThat(runtime.responderPorts()).isEmpty();
    }
  }

  @Test
  void aGpuhubPortThatIsNoPortFailsTheStart() {
    String name = uniqueName("sim-badport");
    assertThatThrownBy(() -> runtime.start(ContainerSpec.of(name, IMAGE, List.of()).withEnv(Map.of("GPUHUB_PORT", "http"))))
        .isInstanceOf(ContainerStartException.class)
        .hasMessageContaining("GPUHUB_PORT must be a TCP port (1-65535), was 'http'");
    assertThat(runtime.inspect(name)).isEmpty();
  }

  @Test
  void containersWithoutGpuhubPortAreOnlyRecorded() {
    String id = runtime.start(ContainerSpec.of(uniqueName("sim-plain"), IMAGE, List.of()).withLimits(2, 1L << 30));
    assertThat(runtime.responderPorts()).isEmpty();
    assertThat(runtime.runningSpecs()).singleElement().satisfies(s -> assertThat(s.cpus()).isEqualTo(2.0));
    assertThat(runtime.specOf(id)).isPresent();
  }

  @Test
  void withoutImagesEveryImageIsPresentAndCloseSilencesEveryResponder() {
    SimulatedContainerRuntime anyImage = new SimulatedContainerRuntime(HOST);
    int a = freePort();
    int b = freePort();
    anyImage.start(ContainerSpec.of("jupyter-a", "whatever/image:1", List.of()).withEnv(Map.of("GPUHUB_PORT", "" + a)));
    anyImage.start(ContainerSpec.of("jupyter-b", "other:2", List.of()).withEnv(Map.of("GPUHUB_PORT", "" + b)));
    assertThat(anyImage.responderPorts()).containsExactlyInAnyOrder(a, b);
    assertThat(get(b, "/").statusCode()).isEqualTo(200);
    assertThat(anyImage.describe()).contains("simulated").contains(HOST);
    anyImage.close();
    assertThat(anyImage.responderPorts()).isEmpty();
    assertThatThrownBy(() -> get(a, "/")).isInstanceOf(UncheckedIOException.class);
    assertThat(anyImage.ping()).isFalse();
    assertThatThrownBy(() -> anyImage.start(ContainerSpec.of("jupyter-c", "x", List.of())))
        .isInstanceOf(IllegalStateException.class);
  }

  private ContainerSpec withPort(String name, int port) {
    return ContainerSpec.of(name, IMAGE, longRunningCommand()).withEnv(Map.of("GPUHUB_PORT", Integer.toString(port)));
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static URI url(int port, String path) {
    return URI.create("http://" + HOST + ":" + port + path);
  }

  private static HttpResponse<String> get(int port, String path) {
    return send(port, HttpRequest.newBuilder(url(port, path)).GET());
  }

  private static HttpResponse<String> send(int port, HttpRequest.Builder request) {
    try {
      return HTTP.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
