package dev.gpuhub.wire.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.node.PullProgress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The lines of the node API's {@code POST /images/pull} answer (newline-delimited JSON): progress
 * reports {@code {"layers_done", "layers_total", "bytes_done", "bytes_total"}}, then
 * {@code {"done": true, "image"}} or {@code {"error"}}.
 */
public final class ImagePullJson {
  private ImagePullJson() {}

  /** A progress line. */
  public static Map<String, Object> progress(PullProgress p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("layers_done", p.layersDone());
    m.put("layers_total", p.layersTotal());
    m.put("bytes_done", p.bytesDone());
    m.put("bytes_total", p.bytesTotal());
    return m;
  }

  /** The progress a line reports (missing numbers read as 0). */
  public static PullProgress progress(JsonNode line) {
    return new PullProgress(line.path("layers_done").asInt(0), line.path("layers_total").asInt(0),
        line.path("bytes_done").asLong(0), line.path("bytes_total").asLong(0));
  }

  /** The final line of a pull that worked. */
  public static Map<String, Object> done(String image) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("done", true);
    m.put("image", image);
    return m;
  }

  /** The final line of a pull that failed after it had started reporting. */
  public static Map<String, Object> error(String why) {
    return Map.of("error", why);
  }
}
