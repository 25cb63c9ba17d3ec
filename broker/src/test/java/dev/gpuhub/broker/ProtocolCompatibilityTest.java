package dev.gpuhub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.core.balance.Strategy;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's exact bytes on both hops: what its client sends and receives, what its broker sends a
 * worker and what a worker answers; no delimiter, one request per connection, the server closes.
 */
class ProtocolCompatibilityTest {
  private static final byte[] REPLY = "Response from Worker".getBytes(StandardCharsets.UTF_8);
  private Fixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) fixture.close();
  }

  @Test
  void theSeedClientsBytesGetTheSeedWorkersReplyByteForByte() throws Exception {
    fixture = Fixture.start(2, Duration.ofMillis(30), Duration.ofMillis(10));
    for (String request : List.of("AppID:Short:round_robin", "AppID:Long:least_connections", "AppID:Long:round_robin",
        "AppID:Short:least_connections")) {
      // As the seed's client: sendall(message.encode()), no newline, no shutdown; then read.
      assertThat(Fixture.raw(fixture.brokerAddress(), request.getBytes(StandardCharsets.UTF_8))).as(request).isEqualTo(REPLY);
    }
    assertThat(fixture.broker.stats().relayed()).isEqualTo(4);
  }

  @Test
  void theBrokerSendsAWorkerExactlyWhatTheSeedsBrokerSendsInOneSegmentAndRelaysItsReplyUnchanged() throws Exception {
    try (ServerSocket seedWorker = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // A stand-in for the seed's worker: one recv(1024), then reply with arbitrary bytes and close.
      CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
        try (Socket conn = seedWorker.accept()) {
          byte[] buf = new byte[1024];
          int n = conn.getInputStream().read(buf);
          conn.getOutputStream().write("Response from Worker \u00e9\n".getBytes(StandardCharsets.UTF_8));
          return Arrays.copyOf(buf, n);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      BrokerConfig config = BrokerConfig.of(List.of(new InetSocketAddress("127.0.0.1", seedWorker.getLocalPort()))).withPort(0);
      try (BrokerServer broker = BrokerServer.start(config)) {
        String reply = Fixture.raw(new InetSocketAddress(InetAddress.getLoopbackAddress(), broker.port()), "AppID:Long:round_robin");
        assertThat(new String(received.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("AppID:Long");
        assertThat(reply).isEqualTo("Response from Worker \u00e9\n");
      }
    }
  }

  @Test
  void ourWorkerSpeaksTheSeedWorkersProtocol() throws Exception {
    try (WorkerServer worker = WorkerServer.start(WorkerConfig.of(1).withPort(0)
        .withDurations(Duration.ofMillis(200), Duration.ofMillis(20)))) {
      InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), worker.port());
      long t0 = System.nanoTime();
      assertThat(Fixture.raw(at, "AppID:Long".getBytes(StandardCharsets.UTF_8))).isEqualTo(REPLY);
      assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(200_000_000L);
      assertThat(Fixture.raw(at, "AppID:Short".getBytes(StandardCharsets.UTF_8))).isEqualTo(REPLY);
      assertThat(Fixture.raw(at, "AppID:Medium"))
          .isEqualTo("ERROR: malformed request 'AppID:Medium'; expected AppID:{Long|Short}\n");
      assertThat(worker.served()).isEqualTo(2);
    }
  }

  @Test
  void aRequestSplitAcrossSegmentsOrEndedByANewlineIsStillOneRequest() throws Exception {
    fixture = Fixture.start(1, Duration.ofMillis(30), Duration.ofMillis(10));
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fixture.broker.port())) {
      s.setTcpNoDelay(true);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("AppID:Sh".getBytes(StandardCharsets.UTF_8));
      out.flush();
      Thread.sleep(100);
      out.write("ort:least_connections".getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(Fixture.readAll(s.getInputStream())).isEqualTo("Response from Worker");
    }
    // nc-style: a trailing newline (CRLF too) is accepted and dropped.
    assertThat(Fixture.raw(fixture.brokerAddress(), "AppID:Short:round_robin\n")).isEqualTo("Response from Worker");
    assertThat(Fixture.raw(fixture.brokerAddress(), "AppID:Short:round_robin\r\n")).isEqualTo("Response from Worker");
  }

  @Test
  void malformedRequestsGetAnErrorLineAndTheBrokerKeepsServing() throws Exception {
    fixture = Fixture.start(2, Duration.ofMillis(30), Duration.ofMillis(10));
    InetSocketAddress broker = fixture.brokerAddress();
    String expected = "; expected AppID:{Long|Short}:{least_connections|round_robin}\n";
    assertThat(Fixture.raw(broker, "hello")).isEqualTo("ERROR: malformed request 'hello'" + expected);
    assertThat(Fixture.raw(broker, "AppID:Medium:round_robin")).isEqualTo("ERROR: malformed request 'AppID:Medium:round_robin'" + expected);
    assertThat(Fixture.raw(broker, "AppID:Short:random")).isEqualTo("ERROR: malformed request 'AppID:Short:random'" + expected);
    assertThat(Fixture.raw(broker, "AppID:Short:round_robin:x")).startsWith("ERROR: malformed request");
    assertThat(Fixture.raw(broker, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo("ERROR: malformed request 'GET / HTTP/1.1'" + expected);
    assertThat(Fixture.raw(broker, "x".repeat(5000))).startsWith("ERROR: malformed request 'xxxx").endsWith("...'" + expected);
    assertThat(Fixture.raw(broker, "\u00ff\u00fe")).startsWith("ERROR: malformed request");
    // The seed's broker crashes on these (IndexError); a valid prefix left hanging is answered after a short grace.
    long t0 = System.nanoTime();
    assertThat(Fixture.raw(broker, "AppID:Short")).isEqualTo("ERROR: malformed request 'AppID:Short'" + expected);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    // Connect and close without a word: nothing to answer, nothing breaks.
    new Socket(InetAddress.getLoopbackAddress(), fixture.broker.port()).close();
    // A half-closed empty request (EOF) is not a crash either.
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fixture.broker.port())) {
      s.shutdownOutput();
      s.setSoTimeout(10_000);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(fixture.request(AppType.SHORT, Strategy.ROUND_ROBIN)).isEqualTo("Response from Worker");
    assertThat(fixture.broker.stats().malformed()).isEqualTo(8);
    assertThat(fixture.workers.stream().mapToLong(WorkerServer::served).sum()).isEqualTo(1);
  }

  @Test
  void aClientThatSendsNothingGetsAnErrorLineAfterTheRequestTimeout() throws Exception {
    fixture = Fixture.start(1, w -> w, b -> b.withRequestTimeout(Duration.ofMillis(200)));
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fixture.broker.port())) {
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      assertThat(Fixture.readAll(in)).isEqualTo("ERROR: no request received within 200 ms\n");
    }
  }
}
