package dev.gpuhub.core.node;

/**
 * How far an image pull has come: layers unpacked (in place) of those seen so far, and bytes
 * downloaded of the layers whose size the registry has told (both totals may still grow while
 * layers start).
 */
public record PullProgress(int layersDone, int layersTotal, long bytesDone, long bytesTotal) {
  /** "120 of 850 MB downloaded, 3 of 7 layers unpacked", for people. */
  public String describe() {
    return mb(bytesDone) + " of " + mb(bytesTotal) + " MB downloaded, " + layersDone + " of " + layersTotal
        + " layers unpacked";
  }

  private static long mb(long bytes) {
    return Math.round(bytes / 1e6);
  }
}
