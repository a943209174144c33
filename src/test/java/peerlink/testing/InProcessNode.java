package peerlink.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import peerlink.node.NodeOptions;
import peerlink.node.RouterNode;

/**
 * A router node inside the test JVM on free ports (WebSocket, cluster, operations) and a given data
 * directory; returns once its operations port answers {@code /health}. For tests that do not need
 * process-level failures.
 */
public final class InProcessNode implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final int port;
  private final int opsPort;

  private InProcessNode(ActorSystem<Void> system, int port, int opsPort) {
    this.system = system;
    this.port = port;
    this.opsPort = opsPort;
  }

  public static InProcessNode start(Path dataDir) {
    return start(dataDir, ConfigFactory.empty());
  }

  /** A node whose config has {@code overrides} on top of the test node's. */
  public static InProcessNode start(Path dataDir, Config overrides) {
    return start(dataDir, overrides, FreePorts.next());
  }

  /** A node on a given client port: a node started again where its clients will look for it. */
  public static InProcessNode start(Path dataDir, Config overrides, int port) {
    int opsPort = FreePorts.next();
    NodeOptions options = new NodeOptions("127.0.0.1", port, FreePorts.next(), opsPort, dataDir, List.of(), false, "router");
    ActorSystem<Void> system =
        RouterNode.start(options, overrides.withFallback(ConfigFactory.parseResources("node-test.conf")).withFallback(ConfigFactory.load()));
    Poll.until(Duration.ofSeconds(60), () -> Http.answers(opsPort), "node's operations port " + opsPort + " to answer");
    return new InProcessNode(system, port, opsPort);
  }

  /** The WebSocket (clients') port. */
  public int port() {
    return port;
  }

  /** The operations port: /status, /health, /ready in plain HTTP. */
  public int opsPort() {
    return opsPort;
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
