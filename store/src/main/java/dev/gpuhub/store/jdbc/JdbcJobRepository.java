package dev.gpuhub.store.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.gpuhub.store.JobReplica;
import dev.gpuhub.store.JobRepository;
import dev.gpuhub.store.JobSample;
import dev.gpuhub.store.JobStats;
import dev.gpuhub.store.TrainingJobRecord;
import dev.gpuhub.store.TrainingJobState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link JobRepository} on table {@code training_jobs} (V5), sharing the pool of the
 * {@link JdbcClusterRepository} it comes from. The command, allocation, last report and samples
 * are JSON columns (snake_case field names, as on the wire).
 */
public final class JdbcJobRepository implements JobRepository {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<List<JobReplica>> REPLICAS = new TypeReference<>() {};
  private static final TypeReference<List<JobSample>> SAMPLES = new TypeReference<>() {};
  private static final TypeReference<JobStats> STATS = new TypeReference<>() {};
  /** Columns {@link #update} writes, in the order {@link #bindMutable} binds them. */
  private static final String MUTABLE = "state, allocation, restarts, report_token_hash, started_at, finished_at,"
      + " last_report, last_report_at, samples, gpu_seconds, message";
  private static final int MUTABLE_COUNT = 11;
  private static final String FIXED = "owner, image, command, min_gpus, max_gpus, initial_batch_size, metric,"
      + " priority_class, submitted_at";
  private static final String SELECT = "SELECT id, " + FIXED + ", " + MUTABLE + " FROM training_jobs";

  private final Jdbc jdbc;
  private final SqlDialect dialect;

  JdbcJobRepository(Jdbc jdbc, SqlDialect dialect) {
    this.jdbc = jdbc;
    this.dialect = dialect;
  }

  @Override
  public TrainingJobRecord create(TrainingJobRecord job) {
    long id = jdbc.write("store a training job of " + job.owner(), c -> {
      String json = dialect.jsonParameter();
      String sql = "INSERT INTO training_jobs (" + FIXED + ", " + MUTABLE + ") VALUES (?, ?, " + json
          + ", ?, ?, ?, ?, ?, ?, " + mutablePlaceholders() + ")";
      try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
        int i = 1;
        ps.setString(i++, job.owner());
        ps.setString(i++, job.image());
        ps.setString(i++, Jdbc.toJson(job.command()));
        ps.setInt(i++, job.minGpus());
        ps.setInt(i++, job.maxGpus());
        ps.setInt(i++, job.initialBatchSize());
        ps.setString(i++, job.metric());
        ps.setString(i++, job.priorityClass());
        ps.setObject(i++, Jdbc.utc(micros(job.submittedAt())));
        bindMutable(ps, i, job);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          if (!keys.next()) throw new SQLException("the database returned no id for the new job");
          return keys.getLong("id");
        }
      }
    });
    return find(id).orElseThrow(() -> new IllegalStateException("job " + id + " vanished right after it was created"));
  }

  @Override
  public Optional<TrainingJobRecord> find(long id) {
    return jdbc.read("read training job " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
        ps.setLong(1, id);
        return query(ps).stream().findFirst();
      }
    });
  }

  @Override
  public List<TrainingJobRecord> all() {
    return jdbc.read("list training jobs", c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY id")) {
        return query(ps);
      }
    });
  }

  @Override
  public List<TrainingJobRecord> ofOwner(String owner) {
    return jdbc.read("list training jobs of " + owner, c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE owner = ? ORDER BY id")) {
        ps.setString(1, owner);
        return query(ps);
      }
    });
  }

  @Override
  public List<TrainingJobRecord> inStates(Set<TrainingJobState> states) {
    if (states.isEmpty()) return List.of();
    List<TrainingJobState> list = List.copyOf(states);
    return jdbc.read("list training jobs in states " + list, c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE state IN (" + Jdbc.placeholders(list.size())
          + ") ORDER BY id")) {
        for (int i = 0; i < list.size(); i++) ps.setString(i + 1, list.get(i).dbValue());
        return query(ps);
      }
    });
  }

  @Override
  public boolean update(TrainingJobRecord job) {
    return jdbc.write("update training job " + job.id(), c -> {
      String json = dialect.jsonParameter();
      String sql = "UPDATE training_jobs SET state = ?, allocation = " + json + ", restarts = ?, report_token_hash = ?,"
          + " started_at = ?, finished_at = ?, last_report = " + json + ", last_report_at = ?, samples = " + json
          + ", gpu_seconds = ?, message = ? WHERE id = ?";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bindMutable(ps, 1, job);
        ps.setLong(MUTABLE_COUNT + 1, job.id());
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public boolean delete(long id) {
    return jdbc.write("delete training job " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM training_jobs WHERE id = ?")) {
        ps.setLong(1, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  private String mutablePlaceholders() {
    String json = dialect.jsonParameter();
    return "?, " + json + ", ?, ?, ?, ?, " + json + ", ?, " + json + ", ?, ?";
  }

  /** Binds the {@link #MUTABLE} columns of {@code job} as parameters {@code first} onwards. */
  private static void bindMutable(PreparedStatement ps, int first, TrainingJobRecord job) throws SQLException {
    int i = first;
    ps.setString(i++, job.state().dbValue());
    ps.setString(i++, Jdbc.toJson(job.allocation()));
    ps.setInt(i++, job.restarts());
    ps.setString(i++, job.reportTokenHash());
    ps.setObject(i++, Jdbc.utc(micros(job.startedAt())));
    ps.setObject(i++, Jdbc.utc(micros(job.finishedAt())));
    ps.setString(i++, job.lastReport() == null ? null : Jdbc.toJson(job.lastReport()));
    ps.setObject(i++, Jdbc.utc(micros(job.lastReportAt())));
    ps.setString(i++, Jdbc.toJson(job.samples()));
    ps.setDouble(i++, job.gpuSeconds());
    ps.setString(i, job.message());
  }

  private static List<TrainingJobRecord> query(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<TrainingJobRecord> rows = new ArrayList<>();
      while (rs.next()) rows.add(row(rs));
      return rows;
    }
  }

  private static TrainingJobRecord row(ResultSet rs) throws SQLException {
    long id = rs.getLong("id");
    try {
      String report = rs.getString("last_report");
      return new TrainingJobRecord(id, rs.getString("owner"), rs.getString("image"),
          Jdbc.fromJson(rs.getString("command"), STRINGS), rs.getInt("min_gpus"), rs.getInt("max_gpus"),
          rs.getInt("initial_batch_size"), rs.getString("metric"),
          rs.getString("priority_class"), TrainingJobState.fromDb(rs.getString("state")),
          Jdbc.fromJson(rs.getString("allocation"), REPLICAS), rs.getInt("restarts"),
          rs.getString("report_token_hash"), Jdbc.instant(rs, "submitted_at"), Jdbc.instant(rs, "started_at"),
          Jdbc.instant(rs, "finished_at"), report == null ? null : Jdbc.fromJson(report, STATS),
          Jdbc.instant(rs, "last_report_at"), Jdbc.fromJson(rs.getString("samples"), SAMPLES),
          rs.getDouble("gpu_seconds"), rs.getString("message"));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new SQLException("training job " + id + " is stored inconsistently: " + e.getMessage(), e);
    }
  }

  private static Instant micros(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
  }
}
