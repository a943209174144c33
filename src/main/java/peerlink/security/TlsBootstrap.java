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
   * The names a node's certificate lists for clients that dial {@code host}: the host itself, and on a
   * loopback or wildcard address also {@code localhost} and {@code 127.0.0.1} (the console's default is
   * {@code localhost:8008}), and on a wildcard address the machine's own name.
   */
  public static List<String> namesFor(String host) {
    List<String> names = new ArrayList<>();
    boolean wildcard = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    if (!wildcard) {
      names.add(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
    }
    boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    if (loopback || wildcard) {
      for (String local : List.of("localhost", "127.0.0.1")) {
        if (!names.contains(local)) {
          names.add(local);
        }
      }
    }
    if (wildcard) {
      try {
        names.add(java.net.InetAddress.getLocalHost().getHostName());
      } catch (java.net.UnknownHostException e) {
        // No name to add: clients dial an address or localhost.
      }
    }
    return names;
  }

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
        boolean missing = !Files.exists(files.cert()) || !Files.exists(files.key());
        List<String> unnamed = missing ? List.of() : TlsCheck.namesMissing(files.cert(), hosts);
        if (!unnamed.isEmpty() && Files.exists(files.caKey())) {
          // Made by an older version or for another address: clients dialling these names would refuse it.
          CertificateAuthority.load(files.caCert(), files.caKey()).issue(node, hosts, validity, files);
          created.add("a new certificate for " + node + " that also names " + String.join(", ", unnamed) + " (" + files.cert() + ")");
        }
        if (missing) {
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
