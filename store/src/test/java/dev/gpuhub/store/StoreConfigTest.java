package dev.gpuhub.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gpuhub.store.StoreConfig.Durable;
import dev.gpuhub.store.StoreConfig.Live;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StoreConfigTest {

  @Test
  void anEmptyEnvironmentGivesTheEmbeddedDefaults() {
    StoreConfig config = StoreConfig.fromEnv(Map.of());
    assertThat(config).isEqualTo(StoreConfig.embedded(Path.of("./data")));
    assertThat(config.durable()).isEqualTo(Durable.EMBEDDED);
    assertThat(config.live()).isEqualTo(Live.MEMORY);
    assertThat(config.postgresHost()).isEqualTo("localhost");
    assertThat(config.postgresPort()).isEqualTo(5432);
    assertThat(config.postgresDb()).isEqualTo("gpuhub");
    assertThat(config.postgresUser()).isEqualTo("gpuhub");
    assertThat(config.postgresPassword()).isNull();
    assertThat(config.redisHost()).isEqualTo("localhost");
    assertThat(config.redisPort()).isEqualTo(6379);
    assertThat(config.redisPassword()).isNull();
    assertThat(config.liveTtl()).isEqualTo(Duration.ofSeconds(45));
    assertThat(config.metricsRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(config.h2File()).isEqualTo(Path.of("./data/gpuhub"));
    assertThat(config.describe())
        .isEqualTo("durable: h2 file ./data/gpuhub; live: memory (ttl 45 s); metrics kept 7 days");
  }

  @Test
  void readsEveryVariable() {
    StoreConfig config = StoreConfig.fromEnv(Map.ofEntries(
        Map.entry("GPUHUB_STORE", "postgres"), Map.entry("GPUHUB_LIVE", "Redis"),
        Map.entry("GPUHUB_DATA_DIR", "/var/lib/gpuhub"), Map.entry("POSTGRES_HOST", "db.lab"),
        Map.entry("POSTGRES_PORT", "5433"), Map.entry("POSTGRES_DB", "hub"),
        Map.entry("POSTGRES_USER", "hubuser"), Map.entry("POSTGRES_PASSWORD", " pg secret "),
        Map.entry("REDIS_HOST", "cache.lab"), Map.entry("REDIS_PORT", "6380"),
        Map.entry("REDIS_PASSWORD", "redis-secret"), Map.entry("REDIS_EXPIRE_SECONDS", "60"),
        Map.entry("GPUHUB_METRICS_RETENTION_DAYS", "30")));
    assertThat(config).isEqualTo(new StoreConfig(Durable.POSTGRES, Live.REDIS,
        Path.of("/var/lib/gpuhub"), "db.lab", 5433, "hub", "hubuser", " pg secret ", "cache.lab", 6380,
        "redis-secret", 60, 30));
    assertThat(config.describe()).isEqualTo("durable: postgres hubuser@db.lab:5433/hub;"
        + " live: redis cache.lab:6380 (ttl 60 s, password set); metrics kept 30 days");
  }

  @Test
  void neitherDescribeNorToStringShowsPasswords() {
    StoreConfig config = StoreConfig.fromEnv(Map.of("GPUHUB_STORE", "postgres",
        "POSTGRES_PASSWORD", "pg-hunter2", "GPUHUB_LIVE", "redis", "REDIS_PASSWORD", "redis-hunter2"));
    assertThat(config.describe()).doesNotContain("hunter2");
    assertThat(config.toString()).doesNotContain("hunter2").contains(config.describe());
  }

  @Test
  void blankValuesTakeTheDefaults() {
    StoreConfig config = StoreConfig.fromEnv(Map.of("GPUHUB_STORE", " ", "REDIS_PORT", "",
        "REDIS_PASSWORD", ""));
    assertThat(config).isEqualTo(StoreConfig.fromEnv(Map.of()));
  }

  @Test
  void postgresNeedsAPassword() {
    assertThatThrownBy(() -> StoreConfig.fromEnv(Map.of("GPUHUB_STORE", "postgres")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("POSTGRES_PASSWORD is required when GPUHUB_STORE=postgres (gpuhub ships no"
            + " default secret): set it to the password of POSTGRES_USER 'gpuhub'");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "GPUHUB_STORE                 | mysql | GPUHUB_STORE must be 'embedded' or 'postgres', was 'mysql'",
      "GPUHUB_LIVE                  | etcd  | GPUHUB_LIVE must be 'memory' or 'redis', was 'etcd'",
      "POSTGRES_PORT                | 0     | POSTGRES_PORT must be an integer from 1 to 65535, was '0'",
      "POSTGRES_PORT                | five  | POSTGRES_PORT must be an integer from 1 to 65535, was 'five'",
      "REDIS_PORT                   | 65536 | REDIS_PORT must be an integer from 1 to 65535, was '65536'",
      "REDIS_EXPIRE_SECONDS         | 0     | REDIS_EXPIRE_SECONDS must be an integer >= 1, was '0'",
      "REDIS_EXPIRE_SECONDS         | 4.5   | REDIS_EXPIRE_SECONDS must be an integer >= 1, was '4.5'",
      "GPUHUB_METRICS_RETENTION_DAYS | -1   | GPUHUB_METRICS_RETENTION_DAYS must be an integer from 1 to 36500, was '-1'",
  })
  void invalidValuesNameTheVariableTheValueAndWhatIsAccepted(String variable, String value,
      String message) {
    assertThatThrownBy(() -> StoreConfig.fromEnv(Map.of(variable, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void theConstructorValidatesToo() {
    assertThatThrownBy(() -> new StoreConfig(Durable.EMBEDDED, Live.MEMORY, Path.of("d"), "h", 5432,
        "db", "u", null, "r", 6379, null, 0, 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("REDIS_EXPIRE_SECONDS must be >= 1, was 0");
    assertThatThrownBy(() -> new StoreConfig(Durable.EMBEDDED, Live.MEMORY, Path.of("d"), " ", 5432,
        "db", "u", null, "r", 6379, null, 45, 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("POSTGRES_HOST must not be empty");
  }
}
