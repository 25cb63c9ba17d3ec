package dev.gpuhub.store;

import dev.gpuhub.core.quota.Quota;
import java.util.Objects;

/**
 * A stored quota: for one user ({@link #USER}) or for one group's members together ({@link #GROUP}).
 *
 * @param scope {@value #USER} or {@value #GROUP}
 * @param name  the user's or the group's name
 */
public record QuotaRecord(String scope, String name, Quota quota) {
  public static final String USER = "user";
  public static final String GROUP = "group";

  public QuotaRecord {
    if (!USER.equals(scope) && !GROUP.equals(scope)) throw new IllegalArgumentException("scope must be user or group");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(quota, "quota");
  }
}
