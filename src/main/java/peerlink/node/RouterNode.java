package peerlink.node;

import com.typesafe.config.Config;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import peerlink.gateway.GatewaySettings;
import peerlink.gateway.GatewayTls;
import peerlink.security.TlsSetupException;
import peerlink.gateway.OpsServer;
import peerlink.gateway.OpsSettings;
import peerlink.gateway.WebSocketGateway;
import peerlink.replication.RmCommand;
import peerlink.router.RegistrySettings;
import peerlink.router.Router;
import peerlink.router.RouterCommand;
import peerlink.session.SessionDirectory;
import peerlink.session.SessionSettings;
import peerlink.storage.FreeSpace;

/**
 * Boots a router node: joins the cluster, starts its replica and replication leader, the router
 * singleton (on the oldest router node: the primary; a proxy everywhere), the WebSocket gateway, and the
 * operations port ({@code /status}, {@code /health}, {@code /ready}).
 */
public final class RouterNode {
  public static final String SYSTEM_NAME = "peerlink";

  private RouterNode() {}

  /** @throws StartRefused when the files for clients' TLS cannot be used (the node exits 2 with the sentence) */
  public static ActorSystem<Void> start(NodeOptions options, Config config) {
    Config effective = options.applyTo(config);
    GatewayTls tls;
    try {
      tls = GatewayTlsConfig.load(effective, options.clusterPort());
    } catch (TlsSetupException e) {
      throw new StartRefused("TLS for clients: " + e.getMessage());
    }
    return CrashProbeTarget.withProbePort(options.host(), effective, c -> ActorSystem.create(guardian(options, tls), SYSTEM_NAME, c));
  }

  private static Behavior<Void> guardian(NodeOptions options, GatewayTls tls) {
    return Behaviors.setup(
        context -> {
          ActorRef<RmCommand> rm = Replication.rm(context);
          FreeSpace space = FreeSpace.of(options.dataDir().resolve("store"), FreeSpace.minimumFrom(context.getSystem().settings().config()));
          boolean replicated = Replication.startOnRouter(context, options, rm, space);
          ClusterJoin.join(context.getSystem(), options, replicated,
              context.getSystem().settings().config().getDuration("peerlink.cluster.form-alone-after"));
          CrashDetector.startIfEnabled(context);
          ActorRef<RouterCommand> router = startRouterSingleton(context.getSystem(), space);
          serveGateway(context, options, tls, router, rm, space);
          return Behaviors.empty();
        });
  }

  private static ActorRef<RouterCommand> startRouterSingleton(ActorSystem<?> system, FreeSpace space) {
    RegistrySettings settings = RegistrySettings.from(system.settings().config());
    return ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                    // A bug must not stop routing for good: restart (sessions re-attach to the new instance).
                    Behaviors.supervise(Router.create(settings, Clock.systemUTC(), new RouterMembers(system), space)).onFailure(SupervisorStrategy.restart()),
                    "router")
                .withSettings(ClusterSingletonSettings.create(system).withRole("router")));
  }

  private static void serveGateway(
      ActorContext<Void> context, NodeOptions options, GatewayTls tls, ActorRef<RouterCommand> router, ActorRef<RmCommand> rm, FreeSpace space) {
    ActorSystem<Void> system = context.getSystem();
    Logger log = context.getLog();
    StatusSource status = new StatusSource(system, rm, options.dataDir().resolve("store"), space);
    OpsSettings opsSettings = OpsSettings.from(system.settings().config());
    ActorRef<SessionDirectory.Command> directory = context.spawn(SessionDirectory.create(), "sessions");
    AtomicBoolean clientPortListening = new AtomicBoolean();
    NodeReadiness readiness = new NodeReadiness(system, router, clientPortListening::get, space);
    GatewaySettings gatewaySettings = GatewaySettings.from(system.settings().config());
    WebSocketGateway gateway =
        new WebSocketGateway(
            system, router, SessionSettings.from(system.settings().config()), gatewaySettings, tls, directory,
            readiness::check, opsSettings.address());
    OpsServer ops = new OpsServer(opsSettings, () -> status.json(gateway.connectedClients()), readiness::check);
    // Connections end with the node's actors (its sessions); a client cut off then reconnects to another node.
    system.getWhenTerminated().thenRun(gateway::close);
    system.getWhenTerminated().thenRun(ops::close);
    gateway
        .bind(options.host(), options.port())
        .whenComplete(
            (bound, failure) -> {
              if (failure != null) {
                stop(system, log, ListenFailed.of(options.host(), options.port(), "clients", "--port", failure));
              } else {
                clientPortListening.set(true);
                log.info(
                    "PeerLink router node listening on {}://{}:{}/ws (cluster {}, data {}, {})",
                    gateway.scheme(), options.host(), options.port(), options.self(), options.dataDir(), gateway.describeIo());
                if (gatewaySettings.loopbackWebPort() > 0) {
                  serveLoopbackWeb(system, log, gateway, gatewaySettings.loopbackWebPort());
                }
                serveOps(system, log, opsSettings, ops);
              }
            });
  }

  /** The web client in plain text for this machine's browsers (peerlink.gateway.loopback-web-port). */
  private static void serveLoopbackWeb(ActorSystem<?> system, Logger log, WebSocketGateway gateway, int port) {
    try {
      gateway.bindLoopbackPlain(port).toCompletableFuture().join();
      log.info("Web client for this machine: http://127.0.0.1:{}/ (plain text on the loopback address only)", port);
    } catch (RuntimeException failure) {
      stop(system, log, ListenFailed.of("127.0.0.1", port, "the web client on loopback", "peerlink.gateway.loopback-web-port", failure.getCause() != null ? failure.getCause() : failure));
    }
  }

  /**
   * Opened once the clients' port listens, so that tools and tests that wait for the operations port to
   * answer may connect clients as soon as it does.
   */
  private static void serveOps(ActorSystem<?> system, Logger log, OpsSettings settings, OpsServer ops) {
    ops.bind().whenComplete((bound, failure) -> {
      if (failure != null) {
        stop(system, log, ListenFailed.of(settings.host(), settings.port(), "operations (/status, /health, /ready)", "--ops-port", failure));
      } else {
        log.info("Operations endpoints on {}", ops.describe());
      }
    });
  }

  private static void stop(ActorSystem<?> system, Logger log, ListenFailed reason) {
    log.error("Stopping: {}", reason.sentence());
    CoordinatedShutdown.get(system).runAll(reason);
  }
}
