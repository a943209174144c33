package peerlink.client;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;

/**
 * One local actor system shared by every client in a process: a thousand clients cost a thousand small
 * actors and streams on a few threads, not a thousand threads.
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
          pekko.http.client.connecting-timeout = 30s
          pekko.http.client.idle-timeout = infinite
          pekko.http.client.websocket.periodic-keep-alive-max-idle = 20s
          """);

  private final ActorSystem<SpawnProtocol.Command> system;
  /** Read from the config once: pekko-http would parse it again for every connection otherwise. */
  private final ClientConnectionSettings connectionSettings;

  public ClientRuntime() {
    this(ConfigFactory.load());
  }

  public ClientRuntime(Config base) {
    this.system = ActorSystem.create(SpawnProtocol.create(), "peerlink-client", CLIENT_CONFIG.withFallback(base));
    this.connectionSettings = ClientConnectionSettings.create(system.classicSystem());
  }

  ActorSystem<SpawnProtocol.Command> system() {
    return system;
  }

  ClientConnectionSettings connectionSettings() {
    return connectionSettings;
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
