package dev.gpuhub.agent.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.runtime.ImagePullException;
import dev.gpuhub.wire.WireJson;
import dev.gpuhub.wire.node.ImagePullJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /images/pull} body {@code {"image": "<reference>"}}: pulls the image onto this node
 * and streams its progress as newline-delimited JSON ({@code application/x-ndjson}, lines of
 * {@link ImagePullJson}). A refusal before the first report
 * is an ordinary error answer instead: 400 naming {@code image} for a malformed reference, 502 when
 * the registry or the daemon refused, 501 when this node's runtime cannot pull.
 */
final class ImagePullHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ImagePullHandler.class);
  private static final ObjectMapper MAPPER = WireJson.mapper();

  private final ContainerRuntime runtime;

  ImagePullHandler(ContainerRuntime runtime) {
    this.runtime = runtime;
  }

  void handle(HttpExchange exchange) throws IOException {
    com.fasterxml.jackson.databind.JsonNode body;
    try {
      body = MAPPER.readTree(Exchanges.readBody(exchange, NodeApi.MAX_BODY_BYTES));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiException.badField("image", "the body must be JSON: {\"image\": \"<reference>\"}");
    }
    String image = body == null ? null : body.path("image").asText(null);
    if (image == null || !dev.gpuhub.core.profile.ImageChoice.REFERENCE.matcher(image).matches() || image.contains("..")) {
      throw ApiException.badField("image", "image must be an image reference such as registry.lab:5000/team/pytorch:2.1");
    }
    Lines out = new Lines(exchange);
    try {
      runtime.pullImage(image, p -> out.send(ImagePullJson.progress(p)));
    } catch (UnsupportedOperationException e) {
      throw new ApiException(501, e.getMessage(), null);
    } catch (ImagePullException e) {
      LOG.warn("pulling image {} failed: {}", image, e.getMessage());
      if (!out.started) throw new ApiException(502, e.getMessage(), "image");
      out.send(ImagePullJson.error(e.getMessage()));
      return;
    } catch (UncheckedIOException e) { // the control plane went away: the pull itself ran to its end
      LOG.info("the control plane stopped following the pull of {}", image);
      return;
    }
    LOG.info("pulled image {} at the control plane's request", image);
    out.send(ImagePullJson.done(image));
  }

  /** The streamed answer: headers sent with the first line. */
  private static final class Lines {
    private final HttpExchange exchange;
    private OutputStream body;
    boolean started;

    Lines(HttpExchange exchange) {
      this.exchange = exchange;
    }

    synchronized void send(Object value) {
      try {
        if (!started) {
          exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
          exchange.sendResponseHeaders(200, 0);
          body = exchange.getResponseBody();
          started = true;
        }
        body.write(MAPPER.writeValueAsBytes(value));
        body.write('\n');
        body.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
