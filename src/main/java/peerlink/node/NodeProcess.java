package peerlink.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import peerlink.storage.LevelDbEventLog;
import peerlink.storage.StoreDamagedException;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.LoggerFactory;
import peerlink.gateway.GatewaySettings;
import peerlink.gateway.OpsSettings;
import peerlink.router.RegistrySettings;
import peerlink.session.SessionSettings;
import peerlink.storage.CheckpointSettings;
import peerlink.storage.FreeSpace;

/** Runs a node for the life of the process: holds its data directory, starts it, waits until it stops. */
public final class NodeProcess {
  private NodeProcess() {}

  /** A normal stop: Ctrl-C, SIGTERM, or the node leaving the cluster. */
  public static final int STOPPED = 0;

  /** The cluster stopped the node: it was downed, or could not join, or its configuration is incompatible. */
  public static final int STOPPED_BY_CLUSTER = 1;

  /** The node could not start: a setting is invalid, another process holds the data directory, or a port is taken. */
  public static final int CANNOT_START = 2;

  /**
   * How long a node whose shutdown has begun may take to finish it before the process ends anyway: Pekko's
   * phases take at most about 10 s each when something hangs, and a downed node must not linger.
   */
  static final java.time.Duration STUCK_SHUTDOWN_GRACE = java.time.Duration.ofSeconds(30);

  /** The exit codes as {@code --help} lists them. */
  public static final String HELP_STOPPED = "0:stopped (Ctrl-C and SIGTERM end it with 130 and 143)";
  public static final String HELP_STOPPED_BY_CLUSTER = "1:stopped by the cluster: it was downed";
  public static final String HELP_CANNOT_START = "2:could not start: a bad setting, a data directory another node holds, a missing or damaged store, an operations port open beyond this machine without a token, or a port in use";

  /**
   * Returns the exit code, {@link #STOPPED}, {@link #STOPPED_BY_CLUSTER} or {@link #CANNOT_START}; why the
   * node could not start is printed as one line.
   *
   * @param config the node's configuration, before {@code options} are applied
   */
  public static int run(String command, NodeOptions options, Config config, Supplier<ActorSystem<Void>> start) throws IOException {
    return run(command, options, config, NodeProcess::checkStoreSettings, false, start);
  }

  /**
   * As above, with {@code checks} of the effective configuration instead of the store's alone.
   *
   * @param reseedDamaged a damaged store is moved aside and the node starts with an empty one (see {@link #storeUsable})
   */
  public static int run(String command, NodeOptions options, Config config, Consumer<Config> checks, boolean reseedDamaged,
      Supplier<ActorSystem<Void>> start) throws IOException {
    if (!settingsValid(command, () -> checks.accept(options.applyTo(config)))) {
      return CANNOT_START;
    }
    DataDirLock lock;
    try {
      lock = DataDirLock.acquire(options.dataDir());
    } catch (IOException e) {
      System.err.println("peerlink " + command + ": " + e.getMessage());
      return CANNOT_START;
    }
    try {
      if (!storeUsable(command, options.dataDir().resolve("store"), reseedDamaged)) {
        return CANNOT_START;
      }
      if (!ClusterTls.ready(command, options, config)) {
        return CANNOT_START;
      }
      ActorSystem<Void> system;
      try {
        system = start.get();
      } catch (StartRefused e) {
        System.err.println("peerlink " + command + ": " + e.getMessage());
        return CANNOT_START;
      } catch (RuntimeException e) {
        // The cluster's socket is bound while the actor system is created, which then fails as a whole.
        Optional<ListenFailed> bind =
            ListenFailed.ofBindFailure(options.host(), options.clusterPort(), "the cluster", "--cluster-port", e);
        if (bind.isEmpty()) {
          throw e;
        }
        System.err.println("peerlink " + command + ": " + bind.get().sentence());
        return CANNOT_START;
      }
      if (!awaitTermination(system)) {
        int code = exitCode(command, CoordinatedShutdown.get(system).getShutdownReason());
        System.err.println("peerlink " + command + ": the node began to stop but did not finish within "
            + STUCK_SHUTDOWN_GRACE.toSeconds() + " s (see the log); ending the process with exit code " + code);
        // Not System.exit: its shutdown hooks would wait for the same stuck actor system.
        Runtime.getRuntime().halt(code);
      }
      return exitCode(command, CoordinatedShutdown.get(system).getShutdownReason());
    } finally {
      lock.release();
    }
  }

  /**
   * Opens the node's store once before the node starts and reads it through, checking every block, so that a
   * store that was created before but is missing or damaged stops the node with one line naming it (exit 2)
   * instead of a registry that fails to recover again and again.
   */
  private static boolean storeUsable(String command, Path store, boolean reseedDamaged) {
    try (LevelDbEventLog log = LevelDbEventLog.open(store)) {
      long started = System.nanoTime();
      long[] read = log.verifyAll();
      LoggerFactory.getLogger(NodeProcess.class).info("Store {} checked: {} entries, {} MB read with their checksums in {} ms",
          store, read[0], read[1] / 1_000_000, (System.nanoTime() - started) / 1_000_000);
      return true;
    } catch (StoreDamagedException e) {
      if (!reseedDamaged) {
        System.err.println("peerlink " + command + ": " + e.getMessage());
        return false;
      }
      return movedAside(command, store, e);
    }
  }

  /**
   * Re-seeding a damaged store (--reseed): the store is moved aside, never deleted (an operator may still
   * want what it holds), and the node starts with a new, empty one. A new store is never promoted while the
   * deployment's data is in other stores: the rm has it copy an in-sync store first (docs/replication.md).
   */
  private static boolean movedAside(String command, Path store, StoreDamagedException damage) {
    Path aside = store.resolveSibling("store.damaged-" + java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-'));
    try {
      java.nio.file.Files.move(store, aside);
    } catch (IOException e) {
      System.err.println("peerlink " + command + ": " + damage.getMessage() + ". --reseed could not move it to " + aside + ": " + e.getMessage());
      return false;
    }
    System.err.println("peerlink " + command + ": the store in " + store + " is damaged (" + damage.problem() + "); --reseed moved it to " + aside
        + ", and this node starts with an empty store that copies the data from an up-to-date node of the deployment");
    return true;
  }

  /** The exit code for the reason the node's actor system stopped; a start-up failure is also printed. */
  private static boolean awaitTermination(ActorSystem<Void> system) {
    try {
      return ShutdownWait.awaitTermination(system, STUCK_SHUTDOWN_GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true; // nobody interrupts the main thread but the JVM's end; let it end as it does
    }
  }

  static int exitCode(String command, Optional<CoordinatedShutdown.Reason> reason) {
    if (reason.isEmpty()) {
      return STOPPED;
    }
    CoordinatedShutdown.Reason why = reason.get();
    if (why instanceof ListenFailed failed) {
      System.err.println("peerlink " + command + ": " + failed.sentence());
      return CANNOT_START;
    }
    if (why == CoordinatedShutdown.clusterDowningReason()
        || why == CoordinatedShutdown.clusterJoinUnsuccessfulReason()
        || why == CoordinatedShutdown.incompatibleConfigurationDetectedReason()) {
      return STOPPED_BY_CLUSTER;
    }
    return STOPPED;
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
    FreeSpace.minimumFrom(effective);
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
    OpsSettings.from(effective);
    checkStoreSettings(effective);
  }
}
