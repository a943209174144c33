package peerlink.node;

import com.typesafe.config.Config;
import java.time.Clock;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.http.javadsl.Http;
import org.slf4j.Logger;
import peerlink.gateway.WebSocketGateway;
import peerlink.router.RegistrySettings;
import peerlink.router.Router;
import peerlink.router.RouterCommand;
import peerlink.session.SessionSettings;

/**
 * Boots a router node: joins (or forms) the cluster, starts the router singleton on a node with role
 * {@code router} (a proxy to it everywhere), and serves the WebSocket gateway.
 */
public final class RouterNode {
  public static final String SYSTEM_NAME = "peerlink";

  private RouterNode() {}

  public static ActorSystem<Void> start(NodeOptions options, Config config) {
    return ActorSystem.create(guardian(options), SYSTEM_NAME, options.applyTo(config));
  }

  private static Behavior<Void> guardian(NodeOptions options) {
    return Behaviors.setup(
        context -> {
          joinCluster(context, options);
          ActorRef<RouterCommand> router = startRouterSingleton(context.getSystem());
          serveGateway(context, options, router);
          return Behaviors.empty();
        });
  }

  private static void joinCluster(ActorContext<Void> context, NodeOptions options) {
    Cluster cluster = Cluster.get(context.getSystem());
    if (options.seeds().isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    } else {
      List<Address> seeds =
          options.seeds().stream().map(seed -> AddressFromURIString.parse("pekko://" + SYSTEM_NAME + "@" + seed)).toList();
      cluster.manager().tell(new JoinSeedNodes(seeds));
    }
  }

  private static ActorRef<RouterCommand> startRouterSingleton(ActorSystem<?> system) {
    RegistrySettings settings = RegistrySettings.from(system.settings().config());
    return ClusterSingleton.get(system)
        .init(
            SingletonActor.of(Router.create(settings, Clock.systemUTC()), "router")
                .withSettings(ClusterSingletonSettings.create(system).withRole("router")));
  }

  private static void serveGateway(ActorContext<Void> context, NodeOptions options, ActorRef<RouterCommand> router) {
    ActorSystem<Void> system = context.getSystem();
    Logger log = context.getLog();
    WebSocketGateway gateway = new WebSocketGateway(system, router, SessionSettings.from(system.settings().config()));
    Http.get(system)
        .newServerAt(options.host(), options.port())
        .bind(gateway.route())
        .whenComplete(
            (binding, failure) -> {
              if (failure != null) {
                log.error("Cannot listen on {}:{}: {}", options.host(), options.port(), failure.getMessage());
                system.terminate();
              } else {
                log.info(
                    "PeerLink router node listening on ws://{}:{}/ws (cluster port {}, data {})",
                    options.host(), options.port(), options.clusterPort(), options.dataDir());
              }
            });
  }
}
