package peerlink.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import peerlink.node.NodeProcess;
import peerlink.node.NodeOptions;
import peerlink.node.RouterNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peerlink server}: runs a router node until it is stopped (Ctrl-C / SIGTERM leave gracefully). */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {NodeProcess.HELP_STOPPED, NodeProcess.HELP_STOPPED_BY_CLUSTER, NodeProcess.HELP_CANNOT_START},
    description = "Run a PeerLink router node. The first one started (without --backup) forms the cluster and becomes the primary.")
public final class ServerCommand implements Callable<Integer> {
  @Option(names = "--port", description = "WebSocket port (default: peerlink.node.port in conf, 8008).")
  Integer port;

  @Option(names = "--host", description = "Address to bind and advertise (default: 127.0.0.1).")
  String host;

  @Option(names = "--data", description = "Data directory (default: data/<port>).")
  Path data;

  @Option(names = "--cluster-port", description = "Cluster port (default: WebSocket port + 1000).")
  Integer clusterPort;

  @Option(names = "--ops-port", description = "Operations port for /status, /health and /ready, plain HTTP on peerlink.ops.host (default: "
      + "peerlink.ops.port in conf; 0 there means WebSocket port + 2000).")
  Integer opsPort;

  @Option(names = "--seeds", split = ",", description = "Cluster seed nodes as host:clusterPort,... (default: peerlink.cluster.seeds in conf).")
  List<String> seeds;

  @Option(names = "--backup", description = "Join an existing cluster as a backup; never form a cluster alone.")
  boolean backup;

  @Option(names = "--check-config", description = "Validate the configuration, print the effective node settings and exit.")
  boolean checkConfig;

  @Option(names = "--reseed", description = "If this node's store is damaged (it would stop with exit code 2), move it aside to "
      + "<data>/store.damaged-<time> and start with an empty store that copies the data from an up-to-date node. For a backup of a "
      + "replicated deployment; a store that opens and reads is never touched. peerlink.storage.reseed-damaged = on does the same at every start.")
  boolean reseed;

  @Override
  public Integer call() throws Exception {
    Config config = ConfigFactory.load();
    NodeOptions options = NodeOptions.router(config, host, port, clusterPort, opsPort, data, seeds, backup);
    if (checkConfig) {
      Config effective = options.applyTo(config);
      boolean valid = NodeProcess.settingsValid("server", () -> NodeProcess.checkRouterSettings(effective));
      if (!valid) {
        return 2;
      }
      System.out.println("configuration OK: " + options);
      return 0;
    }
    boolean reseedDamaged = reseed || config.getBoolean("peerlink.storage.reseed-damaged");
    return NodeProcess.run("server", options, config, NodeProcess::checkRouterSettings, reseedDamaged, () -> RouterNode.start(options, config));
  }
}
