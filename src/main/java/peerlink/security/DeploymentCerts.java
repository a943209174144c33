package peerlink.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code bin/peerlink certs} does: makes a deployment CA in a directory (once) and a key and a
 * certificate per named node, each in {@code <dir>/<node>/} with a copy of {@code ca.crt}, ready to copy to
 * that node's machine.
 */
public final class DeploymentCerts {
  private DeploymentCerts() {}

  /**
   * @param force replace a node's existing key and certificate (rotation) instead of keeping them
   * @return one line per file set made or kept, for the operator
   * @throws TlsSetupException naming the file when the CA's key is missing or a file cannot be written
   */
  public static List<String> make(Path dir, List<String> nodes, List<String> hosts, Duration validity, boolean force) throws TlsSetupException {
    List<String> report = new ArrayList<>();
    TlsFiles ca = TlsFiles.in(dir, "-");
    try {
      if (!Files.exists(ca.caCert()) && !Files.exists(ca.caKey())) {
        CertificateAuthority.create("PeerLink deployment CA").save(dir);
        report.add("created the deployment CA: " + ca.caCert() + " and its key " + ca.caKey() + " (keep the key on this machine only)");
      } else {
        report.add("using the deployment CA in " + ca.caCert());
      }
      if (nodes.isEmpty()) {
        return report;
      }
      if (!Files.exists(ca.caKey())) {
        throw new TlsSetupException(ca.caKey() + ": missing; certificates are made where the CA's key is");
      }
      CertificateAuthority authority = CertificateAuthority.load(ca.caCert(), ca.caKey());
      for (String node : nodes) {
        TlsFiles files = TlsFiles.in(dir, node);
        if (!force && Files.exists(files.cert()) && Files.exists(files.key())) {
          report.add("kept " + files.cert().getParent() + " (exists; --force makes a new key and certificate: rotation)");
          continue;
        }
        authority.issue(node, hosts, validity, files);
        report.add("created " + files.key() + " (mode 600), " + files.cert() + " and " + files.cert().resolveSibling(TlsFiles.CA_CERT));
      }
      return report;
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsSetupException(dir + ": " + e.getMessage());
    }
  }
}
