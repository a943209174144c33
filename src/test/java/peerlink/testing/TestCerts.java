package peerlink.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import peerlink.security.CertificateAuthority;
import peerlink.security.TlsFiles;

/**
 * A deployment CA in a test's directory and node certificates it signs, real RSA keys and X.509 files as
 * {@code bin/peerlink certs} makes them, for nodes that serve {@code wss://}.
 */
public final class TestCerts {
  private final Path dir;
  private final CertificateAuthority ca;

  private TestCerts(Path dir, CertificateAuthority ca) {
    this.dir = dir;
    this.ca = ca;
  }

  public static TestCerts in(Path dir, String caName) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(caName);
    ca.save(dir);
    return new TestCerts(dir, ca);
  }

  public Path caFile() {
    return dir.resolve(TlsFiles.CA_CERT);
  }

  /** A node certificate for {@code hosts}, valid from an hour ago for a day. */
  public TlsFiles node(String name, List<String> hosts) throws Exception {
    return node(name, hosts, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)));
  }

  public TlsFiles node(String name, List<String> hosts, Instant notBefore, Instant notAfter) throws Exception {
    TlsFiles files = TlsFiles.in(dir, name);
    ca.issue(name, hosts, notBefore, notAfter, files);
    return files;
  }

  /** Node config that serves wss:// with {@code files}. */
  public static Config serving(TlsFiles files) {
    return ConfigFactory.parseMap(Map.of(
        "peerlink.gateway.tls.enabled", true,
        "peerlink.gateway.tls.cert-file", files.cert().toString(),
        "peerlink.gateway.tls.key-file", files.key().toString()));
  }
}
