package peerlink.replication;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

/** A real cluster node in this JVM on 127.0.0.1 for the replication tests: returned once it is Up. */
final class ClusterTestKit {
  private ClusterTestKit() {}

  /**
   * @param name the actor system's name (nodes of one cluster share it)
   * @param roles the cluster roles, as HOCON list items ({@code "router"}, {@code "router", "rm"})
   * @param join the node to join, or null to form a cluster of its own
   * @param port the Artery port, 0 for any free one (a given one lets a node come back at its old address)
   */
  static ActorTestKit start(String name, String roles, Address join, int port) {
    ActorTestKit kit = ActorTestKit.create(name, ConfigFactory.parseString(
        "pekko.actor.provider = cluster\n"
            + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
            + "pekko.remote.artery.canonical.port = " + port + "\n"
            + "pekko.cluster.jmx.enabled = off\n"
            + "pekko.cluster.roles = [" + roles + "]\n")
        .withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(kit.system());
    TestProbe<SelfUp> up = kit.createTestProbe(SelfUp.class);
    cluster.subscriptions().tell(Subscribe.create(up.getRef(), SelfUp.class));
    cluster.manager().tell(Join.create(join != null ? join : cluster.selfMember().address()));
    up.expectMessageClass(SelfUp.class, Duration.ofSeconds(30));
    return kit;
  }

  /** A node that forms a cluster of its own. */
  static ActorTestKit alone(String name, String roles) {
    return start(name, roles, null, 0);
  }
}
