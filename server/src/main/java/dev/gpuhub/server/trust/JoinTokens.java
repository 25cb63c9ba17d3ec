package dev.gpuhub.server.trust;

import dev.gpuhub.wire.AgentAuth;
import dev.gpuhub.wire.tls.JoinToken;
import dev.gpuhub.wire.tls.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The cluster's short-lived join tokens, kept next to the CA in {@code join-tokens.properties}
 * (0600): per token its id, a SHA-256 hash of its secret (never the secret), when it expires and
 * how many more nodes may join with it. Every operation re-reads the file under a file lock, so
 * {@code gpuhub join-token} on the control plane's machine and a running control plane share it.
 */
public final class JoinTokens {
  /** What {@code gpuhub join-token} makes unless told otherwise: one node, within an hour. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);
  public static final Duration MAX_TTL = Duration.ofDays(7);
  public static final int MAX_USES = 1000;

  /** One token as listed: never its secret. */
  public record Entry(String id, Instant expires, int usesLeft) {}

  private record Stored(String secretHash, long expiresEpochSecond, int usesLeft) {}

  private final Path file;
  private final Path lock;
  private final String caFingerprint;

  JoinTokens(Path pkiDir, String caFingerprint) {
    this.file = pkiDir.resolve("join-tokens.properties");
    this.lock = pkiDir.resolve("join-tokens.lock");
    this.caFingerprint = caFingerprint;
  }

  /**
   * A new token for {@code uses} nodes, valid for {@code ttl} from {@code now}.
   *
   * @throws IllegalArgumentException when ttl or uses are out of range
   */
  public JoinToken create(Duration ttl, int uses, Instant now) {
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("a join token lives between 1 s and " + MAX_TTL.toDays() + " days, not " + ttl);
    }
    if (uses < 1 || uses > MAX_USES) {
      throw new IllegalArgumentException("a join token admits 1 to " + MAX_USES + " nodes, not " + uses);
    }
    JoinToken token = JoinToken.random(caFingerprint);
    update(now, tokens -> {
      tokens.put(token.id(), new Stored(hash(token.secret()), now.plus(ttl).getEpochSecond(), uses));
      return null;
    });
    return token;
  }

  /** Whether {@code credential} ({@code <id>.<secret>}) is a live token now; uses nothing up. */
  public boolean admits(String credential, Instant now) {
    return Boolean.TRUE.equals(update(now, tokens -> matching(tokens, credential) != null));
  }

  /**
   * Uses {@code credential} up once if it is a live token now.
   *
   * @return whether it was (false: unknown, wrong secret, expired or used up)
   */
  public boolean redeem(String credential, Instant now) {
    return Boolean.TRUE.equals(update(now, tokens -> {
      String id = matching(tokens, credential);
      if (id == null) return false;
      Stored s = tokens.get(id);
      if (s.usesLeft() <= 1) tokens.remove(id);
      else tokens.put(id, new Stored(s.secretHash(), s.expiresEpochSecond(), s.usesLeft() - 1));
      return true;
    }));
  }

  /** The live tokens, soonest to expire first. */
  public List<Entry> list(Instant now) {
    List<Entry> out = new ArrayList<>();
    update(now, tokens -> {
      tokens.forEach((id, s) -> out.add(new Entry(id, Instant.ofEpochSecond(s.expiresEpochSecond()), s.usesLeft())));
      return null;
    });
    out.sort(java.util.Comparator.comparing(Entry::expires));
    return out;
  }

  /** Deletes the token with this id; true when there was one. */
  public boolean delete(String id, Instant now) {
    return Boolean.TRUE.equals(update(now, tokens -> tokens.remove(id) != null));
  }

  private static String matching(Map<String, Stored> tokens, String credential) {
    String id = JoinToken.idOfCredential(credential);
    if (id == null) return null;
    Stored s = tokens.get(id);
    if (s == null) return null;
    return AgentAuth.constantTimeEquals(hash(JoinToken.secretOfCredential(credential)), s.secretHash()) ? id : null;
  }

  /** Reads the tokens under the lock, drops expired ones, applies {@code change} and writes them back. */
  private synchronized <T> T update(Instant now, Function<Map<String, Stored>, T> change) {
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         FileLock held = channel.lock()) {
      Map<String, Stored> tokens = read();
      int before = tokens.size();
      tokens.values().removeIf(s -> s.expiresEpochSecond() <= now.getEpochSecond());
      Map<String, Stored> snapshot = new TreeMap<>(tokens);
      T result = change.apply(tokens);
      if (tokens.size() != before || !tokens.equals(snapshot)) write(tokens);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the join tokens in " + file.getParent(), e);
    }
  }

  private Map<String, Stored> read() throws IOException {
    Map<String, Stored> out = new TreeMap<>();
    if (!Files.exists(file)) return out;
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] kv = line.split("=", 2);
      String[] v = kv.length == 2 ? kv[1].trim().split(" ") : new String[0];
      if (v.length != 3) continue; // a line gpuhub did not write: ignored, and dropped at the next write
      out.put(kv[0].trim(), new Stored(v[0], Long.parseLong(v[1]), Integer.parseInt(v[2])));
    }
    return out;
  }

  private void write(Map<String, Stored> tokens) throws IOException {
    StringBuilder text = new StringBuilder("# id = sha256(secret) expires(epoch s) uses left\n");
    tokens.forEach((id, s) -> text.append(id).append('=').append(s.secretHash()).append(' ')
        .append(s.expiresEpochSecond()).append(' ').append(s.usesLeft()).append('\n'));
    OwnerOnlyFiles.write(file, text.toString());
  }

  private static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
