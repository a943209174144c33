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
 * A router node inside the test JVM on free ports and a given data directory; returns once its
 * WebSocket endpoint answers. For tests that do not need process-level failures.
 */
public final class InProcessNode implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final int port;

  private InProcessNode(ActorSystem<Void> system, int port) {
    this.system = system;
    this.port = port;
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
    NodeOptions options = new NodeOptions("127.0.0.1", port, FreePorts.next(), FreePorts.next(), dataDir, List.of(), false, "router");
    ActorSystem<Void> system =
        RouterNode.start(options, overrides.withFallback(ConfigFactory.parseResources("node-test.conf")).withFallback(ConfigFactory.load()));
    Poll.until(Duration.ofSeconds(60), () -> Http.answers(port), "node on port " + port + " to answer");
    return new InProcessNode(system, port);
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
