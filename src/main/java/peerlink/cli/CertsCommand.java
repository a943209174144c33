package peerlink.cli;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import peerlink.node.ClusterTls;
import peerlink.security.DeploymentCerts;
import peerlink.security.TlsSetupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peerlink certs}: makes the deployment CA and per-node keys and certificates for cluster TLS. */
@Command(
    name = "certs",
    mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "2:the CA key is missing or a file could not be written (the line says which)"},
    description = {"Make the deployment CA (when DIR has none) and a key and certificate per --node, in DIR/<node>/ (tls.key mode 600, "
        + "tls.crt, ca.crt). Copy DIR/<node>/ to that node's machine as its peerlink.tls.dir/<node>/ and ca.crt beside it; keep ca.key "
        + "on this machine only. A node's default name is node-<cluster port>."})
public final class CertsCommand implements Callable<Integer> {
  @Option(names = "--dir", description = "TLS directory (default: peerlink.tls.dir, else conf/tls of the installation).")
  Path dir;

  @Option(names = "--node", split = ",", description = "Node names to make certificates for, e.g. node-9008,node-9009,node-9007.")
  List<String> nodes = List.of();

  @Option(names = "--host", split = ",", description = "Addresses or DNS names of the node(s), added to the certificate (optional).")
  List<String> hosts = List.of();

  @Option(names = "--days", description = "Validity of the node certificates in days (default: ${DEFAULT-VALUE}).")
  int days = 365;

  @Option(names = "--force", description = "Replace existing node keys and certificates (rotation); the CA is never replaced.")
  boolean force;

  @Override
  public Integer call() {
    Path target = dir != null ? dir.toAbsolutePath().normalize() : ClusterTls.dir(ConfigFactory.load());
    try {
      DeploymentCerts.make(target, nodes, hosts, Duration.ofDays(days), force).forEach(System.out::println);
      return 0;
    } catch (TlsSetupException e) {
      System.err.println("peerlink certs: " + e.getMessage());
      return 2;
    }
  }
}
