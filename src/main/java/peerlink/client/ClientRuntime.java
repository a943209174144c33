package peerlink.client;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SpawnProtocol;
import peerlink.transport.EventLoops;

/**
 * One local actor system and one set of socket threads shared by every client in a process: a thousand
 * clients cost a thousand small actors and sockets on a few threads, not a thousand threads.
 */
public final class ClientRuntime implements AutoCloseable {
  private static final Config CLIENT_CONFIG =
      ConfigFactory.parseString(
          """
          pekko.actor.provider = local
          pekko.loglevel = WARNING
          pekko.log-dead-letters = off
          pekko.log-dead-letters-during-shutdown = off
          pekko.coordinated-shutdown.exit-jvm = off
          pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
          """);

  private final ActorSystem<SpawnProtocol.Command> system;
  private final EventLoops loops;

  public ClientRuntime() {
    this(ConfigFactory.load());
  }

  public ClientRuntime(Config base) {
    this.system = ActorSystem.create(SpawnProtocol.create(), "peerlink-client", CLIENT_CONFIG.withFallback(base));
    this.loops = new EventLoops("peerlink-client-io", Runtime.getRuntime().availableProcessors());
  }

  ActorSystem<SpawnProtocol.Command> system() {
    return system;
  }

  EventLoops loops() {
    return loops;
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
    loops.close();
  }
}
