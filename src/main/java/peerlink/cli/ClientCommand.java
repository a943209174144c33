package peerlink.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import peerlink.client.ClientOptions;
import peerlink.client.ClientTls;
import peerlink.client.PeerDirectory;
import peerlink.client.console.Console;
import peerlink.protocol.Names;
import peerlink.protocol.ProtocolException;
import peerlink.security.TlsFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code peerlink client}: the interactive console peer. */
@Command(
    name = "client",
    mixinStandardHelpOptions = true,
    description = "Open the console peer. Keys and the resume point live under $PEERLINK_HOME (default ~/.peerlink).")
public final class ClientCommand implements Callable<Integer> {
  @Option(names = {"--id", "--ID"}, required = true, description = "This peer's ID.")
  String id;

  @Option(
      names = "--server",
      split = ",",
      defaultValue = "localhost:8008,localhost:8009",
      description = "Router nodes as host:port[,host:port...] (TLS, wss://; ws://host:port only with --allow-plain), tried in order and again on failure (default: ${DEFAULT-VALUE}).")
  List<String> servers;

  @Option(
      names = "--ca",
      description = "The deployment's CA certificate (PEM) that the nodes' certificates must be signed by (default: conf/tls/ca.crt of this installation when it exists, else the JVM's trust store).")
  Path ca;

  @Option(names = "--allow-plain", description = "Accept ws://host:port addresses: plain text, readable by anyone on the network path. Only for a node run with peerlink.gateway.tls.enabled = off on a network you trust.")
  boolean allowPlain;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object per line for every event.")
  boolean json;

  @Option(names = "--home", description = "Directory for keys and local state (default: $PEERLINK_HOME or ~/.peerlink).")
  Path home;

  /** The CA given, or the installation's own (a one-machine deployment's nodes made it on first start). */
  private ClientTls trust() {
    Path file = ca;
    if (file == null) {
      Path installed = Path.of(System.getProperty("peerlink.home", "."), "conf", "tls", TlsFiles.CA_CERT);
      file = Files.exists(installed) ? installed : null;
    }
    ClientTls tls = file != null ? ClientTls.trusting(file.toAbsolutePath().normalize()) : ClientTls.systemTrust();
    return allowPlain ? tls.withPlainAllowed() : tls;
  }

  @Override
  public Integer call() throws Exception {
    try {
      Names.requireValid("Peer ID", id);
    } catch (ProtocolException e) {
      spec.commandLine().getErr().println("peerlink client: " + e.getMessage());
      return 2;
    }
    ClientTls tls = trust();
    try {
      ClientOptions.inMemory(id, servers, tls);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("peerlink client: --server: " + e.getMessage());
      return 2;
    }
    try {
      return Console.run(id, servers, tls, json, home != null ? home : PeerDirectory.defaultHome());
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("peerlink client: --ca: " + e.getMessage());
      return 2;
    }
  }
}
