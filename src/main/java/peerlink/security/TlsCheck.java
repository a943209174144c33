package peerlink.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a node's TLS files before the node starts. Pekko reads them only when the first cluster
 * connection opens, and then fails that connection over and over in its log; checked here, a missing,
 * expired or mismatched file stops the node with one line that names it.
 */
public final class TlsCheck {
  private TlsCheck() {}

  /** @throws TlsSetupException naming the first file that is missing or unusable, and why */
  public static void check(TlsFiles files) throws TlsSetupException {
    X509Certificate ca = certificate(files.caCert());
    X509Certificate node = certificate(files.cert());
    Date now = new Date();
    valid(files.caCert(), ca, now);
    valid(files.cert(), node, now);
    if (ca.getBasicConstraints() < 0) {
      throw new TlsSetupException(files.caCert() + ": not a CA certificate (no CA basic constraint)");
    }
    try {
      node.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException(files.cert() + ": not signed by the CA in " + files.caCert() + " (" + ca.getSubjectX500Principal().getName() + ")");
    }
    privateKeyMatches(files.key(), node);
  }

  /**
   * Which of {@code names} the certificate in {@code file} does not list as a subject alternative name (all
   * of them when it cannot be read: it is then made again).
   */
  public static List<String> namesMissing(Path file, List<String> names) {
    Set<String> listed = new HashSet<>();
    try {
      Collection<List<?>> alternatives = certificate(file).getSubjectAlternativeNames();
      if (alternatives != null) {
        alternatives.forEach(entry -> listed.add(String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT)));
      }
    } catch (TlsSetupException | GeneralSecurityException e) {
      return names;
    }
    return names.stream().filter(name -> !listed.contains(name.toLowerCase(Locale.ROOT))).toList();
  }

  private static X509Certificate certificate(Path file) throws TlsSetupException {
    try {
      return CertificateAuthority.readCertificate(file);
    } catch (NoSuchFileException e) {
      throw new TlsSetupException(file + ": missing");
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsSetupException(file + ": not a PEM certificate (" + e.getMessage() + ")");
    }
  }

  private static void valid(Path file, X509Certificate certificate, Date now) throws TlsSetupException {
    try {
      certificate.checkValidity(now);
    } catch (CertificateExpiredException e) {
      throw new TlsSetupException(file + ": expired on " + certificate.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new TlsSetupException(file + ": not valid before " + certificate.getNotBefore().toInstant());
    }
  }

  private static void privateKeyMatches(Path file, X509Certificate certificate) throws TlsSetupException {
    String text;
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
        throw new TlsSetupException(file + ": a private key that other users can read; make it mode 600 (chmod 600 " + file + ")");
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new TlsSetupException(file + ": missing");
    } catch (IOException | UnsupportedOperationException e) {
      throw new TlsSetupException(file + ": cannot be read (" + e.getMessage() + ")");
    }
    if (text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      return; // PKCS#1, which Pekko also reads; the JDK cannot parse it, so the pair is checked at the handshake.
    }
    PrivateKey key;
    try {
      key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Pem.read(file, "PRIVATE KEY")));
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsSetupException(file + ": not an unencrypted RSA private key in PEM (PKCS#8 'PRIVATE KEY' or PKCS#1 'RSA PRIVATE KEY')");
    }
    try {
      byte[] probe = "peerlink-key-check".getBytes(StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance("SHA256withRSA");
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance("SHA256withRSA");
      verify.initVerify(certificate.getPublicKey());
      verify.update(probe);
      if (!verify.verify(signature)) {
        throw new TlsSetupException(file + ": not the private key of the certificate beside it");
      }
    } catch (GeneralSecurityException e) {
      throw new TlsSetupException(file + ": not the private key of the certificate beside it (" + e.getMessage() + ")");
    }
  }
}
