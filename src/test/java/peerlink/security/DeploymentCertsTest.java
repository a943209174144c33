package peerlink.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/peerlink certs} and the checks a node makes of its files before it starts. */
class DeploymentCertsTest {
  @TempDir Path dir;

  @Test
  void certsMakesACaAndANodeCertificateThatTheCaSignsWithPrivateKeysReadableByTheOwnerOnly() throws Exception {
    DeploymentCerts.make(dir, List.of("node-9008"), List.of("127.0.0.1"), Duration.ofDays(30), false);

    TlsFiles files = TlsFiles.in(dir, "node-9008");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.key())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.caKey())));
    X509Certificate ca = CertificateAuthority.readCertificate(files.caCert());
    X509Certificate node = CertificateAuthority.readCertificate(files.cert());
    // The chain validates with the JDK's PKIX validator, the CA as the only trust anchor.
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(node)), parameters);
    assertTrue(node.getSubjectX500Principal().getName().contains("CN=node-9008"));
    assertTrue(node.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals(CertificateAuthority.CLUSTER_NAME)),
        "every node shares the subject name Pekko's rotating-keys provider compares");
    assertEquals(Files.readString(files.caCert()), Files.readString(files.cert().resolveSibling("ca.crt")), "the node's directory is all one copies");
    TlsCheck.check(files);
  }

  @Test
  void certsKeepsANodesFilesUnlessForcedAndNeverReplacesTheCa() throws Exception {
    DeploymentCerts.make(dir, List.of("n1"), List.of(), Duration.ofDays(30), false);
    TlsFiles files = TlsFiles.in(dir, "n1");
    String ca = Files.readString(files.caCert());
    String cert = Files.readString(files.cert());

    DeploymentCerts.make(dir, List.of("n1"), List.of(), Duration.ofDays(30), false);
    assertEquals(cert, Files.readString(files.cert()));

    DeploymentCerts.make(dir, List.of("n1"), List.of(), Duration.ofDays(30), true); // rotation
    assertNotEquals(cert, Files.readString(files.cert()));
    assertEquals(ca, Files.readString(files.caCert()));
    TlsCheck.check(files);
  }

  @Test
  void aNodeCertificateFromAnotherCaIsNamedAsTheProblem() throws Exception {
    DeploymentCerts.make(dir.resolve("ours"), List.of("n1"), List.of(), Duration.ofDays(30), false);
    DeploymentCerts.make(dir.resolve("theirs"), List.of("n1"), List.of(), Duration.ofDays(30), false);
    TlsFiles mixed = new TlsFiles(dir.resolve("ours/ca.crt"), dir.resolve("theirs/n1/tls.crt"), dir.resolve("theirs/n1/tls.key"));

    TlsSetupException e = assertThrows(TlsSetupException.class, () -> TlsCheck.check(mixed));
    assertEquals(mixed.cert() + ": not signed by the CA in " + mixed.caCert() + " (CN=PeerLink deployment CA,O=PeerLink)", e.getMessage());
  }

  @Test
  void aMissingExpiredMismatchedOrOpenKeyIsNamedAsTheProblem() throws Exception {
    DeploymentCerts.make(dir, List.of("a", "b"), List.of(), Duration.ofDays(30), false);
    TlsFiles a = TlsFiles.in(dir, "a");

    Files.delete(a.key());
    assertEquals(a.key() + ": missing", assertThrows(TlsSetupException.class, () -> TlsCheck.check(a)).getMessage());

    Files.copy(TlsFiles.in(dir, "b").key(), a.key());
    assertEquals(a.key() + ": not the private key of the certificate beside it",
        assertThrows(TlsSetupException.class, () -> TlsCheck.check(a)).getMessage());

    Files.setPosixFilePermissions(TlsFiles.in(dir, "b").key(), PosixFilePermissions.fromString("rw-r--r--"));
    TlsSetupException open = assertThrows(TlsSetupException.class, () -> TlsCheck.check(TlsFiles.in(dir, "b")));
    assertTrue(open.getMessage().contains("other users can read"), open.getMessage());

    CertificateAuthority.load(a.caCert(), a.caKey()).issue("c", List.of(), Duration.ofMinutes(-1), TlsFiles.in(dir, "c"));
    TlsSetupException expired = assertThrows(TlsSetupException.class, () -> TlsCheck.check(TlsFiles.in(dir, "c")));
    assertTrue(expired.getMessage().startsWith(TlsFiles.in(dir, "c").cert() + ": expired on "), expired.getMessage());
  }

  @Test
  void aNodeWithoutCertificateOrCaKeyStopsAndSaysWhereToMakeIt() throws Exception {
    DeploymentCerts.make(dir, List.of(), List.of(), Duration.ofDays(30), false);
    Files.delete(dir.resolve("ca.key")); // a machine that holds only the CA's certificate

    TlsSetupException e = assertThrows(TlsSetupException.class,
        () -> TlsBootstrap.ensure(TlsFiles.in(dir, "node-9009"), "node-9009", List.of(), Duration.ofDays(1)));
    assertTrue(e.getMessage().startsWith(TlsFiles.in(dir, "node-9009").cert() + ": missing, and there is no CA key"), e.getMessage());
  }

  @Test
  void onFirstStartANodeCreatesTheCaAndItsCertificateAndLaterStartsCreateNothing() throws Exception {
    TlsFiles files = TlsFiles.in(dir, "node-9008");
    assertEquals(2, TlsBootstrap.ensure(files, "node-9008", List.of("127.0.0.1"), Duration.ofDays(1)).size());
    TlsCheck.check(files);
    assertEquals(List.of(), TlsBootstrap.ensure(files, "node-9008", List.of("127.0.0.1"), Duration.ofDays(1)));
    assertEquals(1, TlsBootstrap.ensure(TlsFiles.in(dir, "node-9009"), "node-9009", List.of(), Duration.ofDays(1)).size(),
        "a second node on the machine gets a certificate from the same CA");
  }
}
