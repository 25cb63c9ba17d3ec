package dev.gpuhub.server.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Password hashes are slow, salted, name their algorithm and verify. */
class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher();

  @Test
  void aHashIsNotThePasswordNamesArgon2idAndVerifies() {
    String hash = hasher.hash("correct horse");
    assertThat(hash).doesNotContain("correct horse")
        .startsWith("$argon2id$v=19$m=19456,t=5,p=1$");
    assertThat(hasher.verify("correct horse", hash)).isTrue();
    assertThat(hasher.verify("correct horsE", hash)).isFalse();
    assertThat(hasher.verify("", hash)).isFalse();
    assertThat(hasher.verify(null, hash)).isFalse();
    assertThat(hasher.hash("correct horse")).as("a fresh salt each time").isNotEqualTo(hash);
  }

  @Test
  void hashesMadeWithOtherParametersStillVerify() {
    String older = com.password4j.Password.hash("correct horse").addRandomSalt(16)
        .with(com.password4j.Argon2Function.getInstance(8_192, 2, 1, 32, com.password4j.types.Argon2.ID))
        .getResult();
    assertThat(older).startsWith("$argon2id$v=19$m=8192,t=2,p=1$");
    assertThat(hasher.verify("correct horse", older)).isTrue();
    assertThat(hasher.verify("wrong horse", older)).isFalse();
  }

  @Test
  void missingOrForeignHashesMatchNothing() {
    assertThat(hasher.verify("correct horse", null)).isFalse();
    assertThat(hasher.verify("correct horse", "correct horse")).isFalse();
    assertThat(hasher.verify("x", "$2a$10$abcdefghijklmnopqrstuuFqJ9p1QH3aU5dnZ7wqZk3vW0Zxk8m1C")).isFalse();
    assertThat(hasher.verify("x", "$argon2id$v=19$m=19456,t=2,p=1$bad")).isFalse();
  }

  @Test
  void hashingTakesAtLeastFiftyMilliseconds() {
    hasher.hash("warm up the JIT");
    long[] millis = new long[5];
    for (int i = 0; i < millis.length; i++) {
      long start = System.nanoTime();
      hasher.hash("correct horse " + i);
      millis[i] = (System.nanoTime() - start) / 1_000_000;
    }
    Arrays.sort(millis);
    assertThat(millis[millis.length / 2]).as("median of %s ms", Arrays.toString(millis)).isGreaterThanOrEqualTo(50);
  }
}
