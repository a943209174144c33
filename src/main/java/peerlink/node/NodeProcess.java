package peerlink.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import peerlink.gateway.GatewaySettings;
import peerlink.router.RegistrySettings;
import peerlink.session.SessionSettings;
import peerlink.storage.CheckpointSettings;

/** Runs a node for the life of the process: holds its data directory, starts it, waits until it stops. */
public final class NodeProcess {
  private NodeProcess() {}

  /**
   * Returns the exit code: 0 after a normal stop, 2 when the node cannot start (a setting is invalid, or
   * another process holds the data directory).
   *
   * @param config the node's configuration, before {@code options} are applied
   */
  public static int run(String command, NodeOptions options, Config config, Supplier<ActorSystem<Void>> start) throws IOException {
    return run(command, options, config, NodeProcess::checkStoreSettings, start);
  }

  /** As above, with {@code checks} of the effective configuration instead of the store's alone. */
  public static int run(String command, NodeOptions options, Config config, Consumer<Config> checks, Supplier<ActorSystem<Void>> start)
      throws IOException {
    if (!settingsValid(command, () -> checks.accept(options.applyTo(config)))) {
      return 2;
    }
    DataDirLock lock;
    try {
      lock = DataDirLock.acquire(options.dataDir());
    } catch (IOException e) {
      System.err.println("peerlink " + command + ": " + e.getMessage());
      return 2;
    }
    ActorSystem<Void> system = start.get();
    system.getWhenTerminated().toCompletableFuture().join();
    lock.release();
    return 0;
  }

  /**
   * Runs {@code check}; a bad setting it finds is printed as one line that names it, and the answer is
   * false.
   */
  public static boolean settingsValid(String command, Runnable check) {
    try {
      check.run();
      return true;
    } catch (IllegalArgumentException | ConfigException e) {
      System.err.println("peerlink " + command + ": invalid setting: " + e.getMessage());
      return false;
    }
  }

  /**
   * Checks the settings that only the store's plugins read. Pekko starts those plugins under its own
   * supervision, which logs a bad setting and carries on: the node would serve with a store that never
   * opens. Checked here, it does not start at all.
   *
   * @throws IllegalArgumentException or {@link ConfigException} naming the setting
   */
  public static void checkStoreSettings(Config effective) {
    CheckpointSettings.from(effective);
  }

  /**
   * Checks every setting a router node reads, so that a bad one stops it before it starts instead of
   * failing inside the actor system.
   *
   * @throws IllegalArgumentException or {@link ConfigException} naming the setting
   */
  public static void checkRouterSettings(Config effective) {
    RegistrySettings.from(effective);
    SessionSettings.from(effective);
    GatewaySettings.from(effective);
    checkStoreSettings(effective);
  }
}
