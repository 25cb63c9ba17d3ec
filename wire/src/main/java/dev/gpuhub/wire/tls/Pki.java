package dev.gpuhub.wire.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Keys and X.509 certificates of a gpuhub cluster, made with Bouncy Castle's PKIX API: EC P-256
 * keys, a self-signed cluster CA, and leaf certificates the CA issues to nodes and to the control
 * plane. A leaf names its holder in the common name and its role in the organisational unit
 * ({@link #ROLE_NODE}, {@link #ROLE_CONTROL_PLANE}), carries its IP addresses and DNS names as
 * subject alternative names (what TLS clients verify), and may be used by both ends of a
 * connection. Pure: no files, no sockets.
 */
public final class Pki {
  /** The role of an agent's certificate: may heartbeat as its own host name, serves a node API. */
  public static final String ROLE_NODE = "node";
  /** The role of the control plane's certificate: may call node APIs. */
  public static final String ROLE_CONTROL_PLANE = "control-plane";
  /** The role of a user workload's serving certificate (Jupyter over HTTPS): may serve, nothing else. */
  public static final String ROLE_WORKLOAD = "workload";
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Pki() {}

  /** A fresh EC P-256 key pair. */
  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 keys are not available in this JVM", e);
    }
  }

  /** A self-signed CA certificate for {@code keys}, valid from now for {@code validity}. */
  public static X509Certificate selfSignedCa(KeyPair keys, String name, Duration validity) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).addRDN(BCStyle.O, "gpuhub").build();
    Instant now = Instant.now();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(validity)), subject, keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return sign(b, keys.getPrivate());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not make the cluster CA certificate", e);
    }
  }

  /**
   * A leaf certificate for {@code subjectKey}, issued by the CA ({@code caCert}, {@code caKey}).
   *
   * @param commonName the holder: a node's host name, or the control plane's name
   * @param role       {@link #ROLE_NODE} or {@link #ROLE_CONTROL_PLANE}
   * @param names      IP literals and DNS names the holder is reached at (subject alternative names)
   */
  public static X509Certificate issue(X509Certificate caCert, PrivateKey caKey, PublicKey subjectKey, String commonName,
                                      String role, List<String> names, Duration validity) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).addRDN(BCStyle.OU, role)
        .addRDN(BCStyle.O, "gpuhub").build();
    Instant now = Instant.now();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(validity)), subject, subjectKey);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      List<GeneralName> alt = new ArrayList<>();
      for (String n : names) alt.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
      if (!alt.isEmpty()) b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
      return sign(b, caKey);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("could not issue a certificate for " + commonName, e);
    }
  }

  /** The holder a certificate names (its subject's common name), or null. */
  public static String commonName(X509Certificate c) {
    return rdn(c, "CN");
  }

  /** The role a certificate names (its subject's organisational unit), or null. */
  public static String role(X509Certificate c) {
    return rdn(c, "OU");
  }

  /** {@code sha256:<hex>} of the certificate's DER encoding: how a join pins the cluster CA. */
  public static String fingerprint(X509Certificate c) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot fingerprint a certificate", e);
    }
  }

  /** PEM text of a certificate, public key or private key (PKCS#8). */
  public static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      if (object instanceof PrivateKey key) w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
      else w.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The certificate in PEM text. @throws IllegalArgumentException when it holds none */
  public static X509Certificate readCertificate(String pem) {
    Object o = readPem(pem);
    if (!(o instanceof X509CertificateHolder h)) throw new IllegalArgumentException("not a PEM certificate");
    try {
      return new JcaX509CertificateConverter().getCertificate(h);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a usable certificate: " + e.getMessage(), e);
    }
  }

  /** Every certificate in PEM text, in order (a server's chain: its own first). @throws IllegalArgumentException when none */
  public static List<X509Certificate> readCertificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser p = new PEMParser(new StringReader(pem == null ? "" : pem))) {
      JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (o instanceof X509CertificateHolder h) out.add(conv.getCertificate(h));
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("not PEM certificates: " + e.getMessage(), e);
    }
    if (out.isEmpty()) throw new IllegalArgumentException("no PEM certificate in the text");
    return out;
  }

  /** The private key in PEM text (PKCS#8 or an EC key pair). @throws IllegalArgumentException when it holds none */
  public static PrivateKey readPrivateKey(String pem) {
    Object o = readPem(pem);
    try {
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) return conv.getPrivateKey(info);
      if (o instanceof org.bouncycastle.openssl.PEMKeyPair pair) return conv.getPrivateKey(pair.getPrivateKeyInfo());
    } catch (IOException e) {
      throw new IllegalArgumentException("not a usable private key: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("not a PEM private key");
  }

  /** The public key in PEM text. @throws IllegalArgumentException when it holds none */
  public static PublicKey readPublicKey(String pem) {
    Object o = readPem(pem);
    if (!(o instanceof SubjectPublicKeyInfo info)) throw new IllegalArgumentException("not a PEM public key");
    try {
      return new JcaPEMKeyConverter().getPublicKey(info);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a usable public key: " + e.getMessage(), e);
    }
  }

  private static Object readPem(String pem) {
    if (pem == null) throw new IllegalArgumentException("no PEM text");
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      if (o == null) throw new IllegalArgumentException("no PEM object in the text");
      return o;
    } catch (IOException e) {
      throw new IllegalArgumentException("not PEM text: " + e.getMessage(), e);
    }
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static String rdn(X509Certificate c, String type) {
    try {
      for (Rdn r : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
        if (r.getType().equalsIgnoreCase(type)) return r.getValue().toString();
      }
      return null;
    } catch (javax.naming.InvalidNameException e) {
      return null;
    }
  }

  /** True for an IPv4 or IPv6 literal (never resolves a name). */
  public static boolean isIpLiteral(String s) {
    if (s == null || s.isEmpty()) return false;
    if (s.indexOf(':') >= 0) return s.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == ':' || ch == '.');
    if (!s.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.')) return false;
    try {
      return InetAddress.getByName(s) != null;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
