package dev.gpuhub.server.hub.auth;

import dev.gpuhub.wire.tls.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may claim an administrator's name (GPUHUB_ADMIN_USERS) by signing up: only someone who can
 * read the one-time setup secret the hub writes to {@value #FILE} in its data directory (owner-only,
 * 0600), as a fresh installation of many web applications does. Anyone else signing up as such a
 * name is refused, so open sign-up never hands out an admin account. The secret is never logged or
 * printed, only the file's path. The file is removed once every configured admin name has an
 * account; until then a restart keeps the same secret. Thread-safe.
 */
public final class AdminSetup {
  /** Name of the secret's file in the data directory. */
  public static final String FILE = "admin-setup-secret";
  /** The sign-up form field that carries the secret. */
  public static final String FIELD = "admin_secret";
  private static final Logger LOG = LoggerFactory.getLogger(AdminSetup.class);

  private final Path file;
  private final Set<String> adminNames;
  private final Predicate<String> hasAccount;
  private volatile byte[] secret; // null once every admin name has an account, or without a file

  private AdminSetup(Path file, Set<String> adminNames, Predicate<String> hasAccount, byte[] secret) {
    this.file = file;
    this.adminNames = Set.copyOf(adminNames);
    this.hasAccount = hasAccount;
    this.secret = secret;
  }

  /** No setup secret: configured admin names can be given only by an admin (or the CLI). */
  public static AdminSetup none() {
    return new AdminSetup(null, Set.of(), name -> true, null);
  }

  /**
   * The setup of a hub whose data directory is {@code dataDir}: while some name of
   * {@code adminNames} has no account, the secret in {@value #FILE} (made now when missing);
   * otherwise none, and the file is removed.
   *
   * @param hasAccount whether a (normalised) name has an account
   * @throws UncheckedIOException when the file cannot be read or written
   */
  public static AdminSetup open(Path dataDir, Set<String> adminNames, Predicate<String> hasAccount) {
    Path file = dataDir.resolve(FILE);
    AdminSetup setup = new AdminSetup(file, adminNames, Objects.requireNonNull(hasAccount, "hasAccount"), null);
    if (setup.allClaimed()) {
      setup.removeFile();
      return setup;
    }
    try {
      if (Files.isRegularFile(file)) {
        setup.secret = Files.readString(file, StandardCharsets.US_ASCII).strip().getBytes(StandardCharsets.US_ASCII);
      } else {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String text = HexFormat.of().formatHex(random);
        OwnerOnlyFiles.write(file, text + "\n");
        setup.secret = text.getBytes(StandardCharsets.US_ASCII);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the admin setup secret " + file, e);
    }
    LOG.atWarn().addKeyValue("file", file).addKeyValue("admin_names", String.join(",", adminNames))
        .log("an administrator name has no account yet: sign up as it with the setup secret in this file");
    return setup;
  }

  /** The secret's file while it is needed, else null. */
  public Path pendingFile() {
    return secret == null ? null : file;
  }

  /**
   * Lets the sign-up of {@code name} (normalised) go ahead: any name not configured as admin, or an
   * admin name with the right secret.
   *
   * @throws ForbiddenException for an admin name without the right secret
   */
  public void checkSignUp(String name, String given) {
    if (!adminNames.contains(name)) return;
    byte[] expected = secret;
    byte[] offered = given == null ? new byte[0] : given.strip().getBytes(StandardCharsets.US_ASCII);
    if (expected != null && MessageDigest.isEqual(expected, offered)) return;
    throw new ForbiddenException("'" + name + "' is an administrator's name: signing up as it needs the"
        + " one-time setup secret (field " + FIELD + ") from the file " + FILE + " in the hub's data"
        + " directory" + (expected == null ? ", and there is none now: an admin can create the account" : ""));
  }

  /** Notes a new account: once every admin name has one, the secret is gone. */
  public void signedUp() {
    if (secret != null && allClaimed()) {
      secret = null;
      removeFile();
    }
  }

  private boolean allClaimed() {
    return adminNames.stream().allMatch(hasAccount);
  }

  private void removeFile() {
    if (file == null) return;
    try {
      if (Files.deleteIfExists(file)) LOG.atInfo().addKeyValue("file", file).log("every admin name has an account: setup secret removed");
    } catch (IOException e) {
      LOG.atWarn().addKeyValue("file", file).setCause(e).log("could not remove the used admin setup secret");
    }
  }
}
