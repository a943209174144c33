package peerlink.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import peerlink.node.NodeProcess;
import peerlink.node.NodeOptions;
import peerlink.node.RmNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peerlink rm}: the replication manager, shown live. */
@Command(
    name = "rm",
    mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {NodeProcess.HELP_STOPPED, NodeProcess.HELP_STOPPED_BY_CLUSTER, NodeProcess.HELP_CANNOT_START},
    description = "Run the replication manager: the third voter that lets primary and backup fail over safely, and a live view of replication.")
public final class RmCommand implements Callable<Integer> {
  @Option(names = "--host", description = "Address to bind and advertise (default: 127.0.0.1).")
  String host;

  @Option(names = "--cluster-port", description = "Cluster port (default: peerlink.rm.cluster-port in conf, 9007).")
  Integer clusterPort;

  @Option(names = "--data", description = "Data directory (default: data/rm).")
  Path data;

  @Option(names = "--seeds", split = ",", description = "Cluster seed nodes as host:clusterPort,... (default: peerlink.cluster.seeds in conf).")
  List<String> seeds;

  @Option(names = "--quiet", description = "Do not print the live view (the log still says what happens).")
  boolean quiet;

  @Option(names = "--accept-data-loss", description = "Disaster recovery only: when no store holding every acknowledged write is up "
      + "(all copies lost but an older one), promote the most advanced store present and log what may be lost. Never the default; "
      + "see docs/replication.md.")
  boolean acceptDataLoss;

  @Override
  public Integer call() throws Exception {
    Config loaded = ConfigFactory.load();
    Config config = acceptDataLoss ? ConfigFactory.parseMap(java.util.Map.of("peerlink.rm.accept-data-loss", true)).withFallback(loaded) : loaded;
    NodeOptions options = NodeOptions.rm(config, host, clusterPort, data, seeds);
    return NodeProcess.run("rm", options, config, () -> RmNode.start(options, config, !quiet));
  }
}
