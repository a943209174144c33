package peerlink.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import peerlink.client.PeerDirectory;
import peerlink.client.ServerAddress;
import peerlink.client.console.Console;
import peerlink.protocol.Names;
import peerlink.protocol.ProtocolException;
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
      description = "Router nodes as host:port[,host:port...], tried in order and again on failure (default: ${DEFAULT-VALUE}).")
  List<String> servers;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object per line for every event.")
  boolean json;

  @Option(names = "--home", description = "Directory for keys and local state (default: $PEERLINK_HOME or ~/.peerlink).")
  Path home;

  @Override
  public Integer call() throws Exception {
    try {
      Names.requireValid("Peer ID", id);
    } catch (ProtocolException e) {
      spec.commandLine().getErr().println("peerlink client: " + e.getMessage());
      return 2;
    }
    try {
      servers.forEach(ServerAddress::requireValid);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("peerlink client: --server: " + e.getMessage());
      return 2;
    }
    return Console.run(id, servers, json, home != null ? home : PeerDirectory.defaultHome());
  }
}
