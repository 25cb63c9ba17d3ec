package dev.gpuhub.agent.collect;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Half-up decimal rounding of measured values, as the wire format carries them. */
final class Rounding {
  private Rounding() {}

  static double round(double value, int decimals) {
    return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
  }

  /** {@code part / whole * 100}, clamped to [0, 100] and rounded; {@code null} when whole is not positive. */
  static Double percent(double part, double whole, int decimals) {
    if (!(whole > 0)) return null;
    return round(Math.max(0, Math.min(100, part / whole * 100)), decimals);
  }
}
