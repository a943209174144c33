package peerlink.security;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates what a node on a one-machine deployment lacks: the deployment CA (when its directory has
 * none) and the node's certificate (when the CA's key is there to sign it). Nodes that start together
 * (the demo) share the directory, so the work is done under a file lock: one creates the CA, the others
 * use it.
 */
public final class TlsBootstrap {
  private TlsBootstrap() {}

  /**
   * Ensures {@code files} exist, creating what is missing.
   *
   * @param node the node's name (its certificate's common name)
   * @return what was created, as a phrase for the node's log, or an empty list
   * @throws TlsSetupException when the node's certificate is missing and there is no CA key to make it
   */
  public static List<String> ensure(TlsFiles files, String node, List<String> hosts, Duration validity) throws TlsSetupException {
    Path dir = files.caCert().getParent();
    List<String> created = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      try (FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        if (!Files.exists(files.caCert()) && !Files.exists(files.caKey())) {
          CertificateAuthority.create("PeerLink deployment CA").save(dir);
          created.add("a new deployment CA (" + files.caCert() + ", key " + files.caKey() + ")");
        }
        if (!Files.exists(files.cert()) || !Files.exists(files.key())) {
          if (!Files.exists(files.caKey())) {
            throw new TlsSetupException(files.cert() + ": missing, and there is no CA key (" + files.caKey()
                + ") here to make it; make it with 'bin/peerlink certs' where the CA is and copy it here (README, 'Cluster TLS')");
          }
          CertificateAuthority.load(files.caCert(), files.caKey()).issue(node, hosts, validity, files);
          created.add("a certificate for " + node + " (" + files.cert() + ")");
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsSetupException(dir + ": cannot create the TLS files (" + e.getMessage() + ")");
    }
    return created;
  }
}
