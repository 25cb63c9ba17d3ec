package dev.gpuhub.store.jdbc;

/**
 * The little SQL that differs between the two supported databases: how a JSON parameter is bound
 * and how a node row is upserted. (The schema itself is one SQL file both accept.)
 */
public enum SqlDialect {
  H2("h2", "? FORMAT JSON") {
    @Override
    String upsertNode() {
      // MERGE ... KEY updates only the listed columns, so id and created_at survive an update.
      return "MERGE INTO nodes (" + UPSERT_COLUMNS + ") KEY (hostname) VALUES (" + upsertValues() + ")";
    }
  },
  POSTGRESQL("postgres", "CAST(? AS json)") {
    @Override
    String upsertNode() {
      return "INSERT INTO nodes (" + UPSERT_COLUMNS + ") VALUES (" + upsertValues() + ")"
          + " ON CONFLICT (hostname) DO UPDATE SET ip = EXCLUDED.ip, cpu_cores = EXCLUDED.cpu_cores,"
          + " ram_gb = EXCLUDED.ram_gb, has_gpu = EXCLUDED.has_gpu, gpu_info = EXCLUDED.gpu_info,"
          + " is_active = EXCLUDED.is_active, max_containers = EXCLUDED.max_containers,"
          + " last_heartbeat = EXCLUDED.last_heartbeat, updated_at = EXCLUDED.updated_at";
    }
  };

  /** Columns an upsert writes, in the order of its parameters (updated_at is the DB clock). */
  static final String UPSERT_COLUMNS = "hostname, ip, cpu_cores, ram_gb, has_gpu, gpu_info,"
      + " is_active, max_containers, last_heartbeat, updated_at";

  private final String kind;
  private final String jsonParameter;

  SqlDialect(String kind, String jsonParameter) {
    this.kind = kind;
    this.jsonParameter = jsonParameter;
  }

  /** Adapter name as {@link dev.gpuhub.store.StoreHealth#kind()} reports it. */
  public String kind() {
    return kind;
  }

  /** A placeholder that binds a JSON text parameter into a JSON column. */
  String jsonParameter() {
    return jsonParameter;
  }

  /**
   * Insert-or-update of one {@code nodes} row keyed by hostname; parameters: hostname, ip,
   * cpu_cores, ram_gb, has_gpu, gpu_info (JSON text), is_active, max_containers, last_heartbeat.
   */
  abstract String upsertNode();

  String upsertValues() {
    return "?, ?, ?, ?, ?, " + jsonParameter + ", ?, ?, ?, CURRENT_TIMESTAMP";
  }
}
