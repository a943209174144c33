package peerlink.storage;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * The event logs an ActorSystem has open, one per data directory, so that the journal and the snapshot
 * store of a node share one LevelDB (LevelDB allows one opener per directory).
 *
 * <p>The logs are closed when the ActorSystem terminates, which releases the directory lock for the
 * next system or process; {@code whenTerminated} completes only after that.
 */
public final class EventLogs implements Extension {

  private static final Id ID = new Id();

  private final ActorSystem system;
  private final Map<Path, EventLog> open = new HashMap<>();
  private final Map<Path, CheckpointWriter> checkpoints = new HashMap<>();
  private boolean terminated;

  private EventLogs(ActorSystem system) {
    this.system = system;
    system.registerOnTermination(this::closeAll);
  }

  /** The extension of this ActorSystem. */
  public static EventLogs get(ActorSystem system) {
    return ID.get(system);
  }

  /**
   * The log in {@code directory}, opened on first use.
   *
   * @throws DataDirectoryInUseException if another process holds the directory
   * @throws IllegalStateException       if the ActorSystem has terminated
   */
  public synchronized EventLog forDirectory(Path directory) {
    if (terminated) {
      // Opening now would hold the directory lock with nobody left to release it.
      throw new IllegalStateException("the ActorSystem has terminated; not opening " + directory);
    }
    return open.computeIfAbsent(directory.toAbsolutePath().normalize(), LevelDbEventLog::open);
  }

  /**
   * The writer of the checkpoints stored in {@code directory}, shared by the snapshot store (which starts
   * them) and the journal (whose deletions wait for them).
   */
  public synchronized CheckpointWriter checkpointsFor(Path directory) {
    if (terminated) {
      throw new IllegalStateException("the ActorSystem has terminated; not writing checkpoints to " + directory);
    }
    return checkpoints.computeIfAbsent(
        directory.toAbsolutePath().normalize(),
        dir -> new CheckpointWriter("peerlink-checkpoint-writer", CheckpointSettings.from(system.settings().config())));
  }

  /** The node's own LevelDB in {@code directory}, opened on first use; for the replication layer. */
  public synchronized LevelDbEventLog openLocal(Path directory) {
    EventLog log = forDirectory(directory);
    if (!(log instanceof LevelDbEventLog local)) {
      throw new IllegalStateException(directory + " is already served by " + log);
    }
    return local;
  }

  /** The replication position of the node's local store (see {@link LevelDbEventLog#position}). */
  public synchronized StorePosition openLocalPosition(Path directory) {
    EventLog log = open.get(directory.toAbsolutePath().normalize());
    return log instanceof LevelDbEventLog local ? local.position() : log instanceof Positioned p ? p.position() : StorePosition.EMPTY;
  }

  /** An installed log that can tell its store's position. */
  public interface Positioned {
    StorePosition position();
  }

  /**
   * Makes the plugins of {@code directory} use {@code log} (a replicated log around the local one) from
   * now on. Must happen before the first persistent actor of the node starts.
   */
  public synchronized void install(Path directory, EventLog log) {
    open.put(directory.toAbsolutePath().normalize(), log);
  }

  private synchronized void closeAll() {
    terminated = true;
    // Writers first: a checkpoint still being written must not find its store closed under it.
    checkpoints.values().forEach(CheckpointWriter::close);
    checkpoints.clear();
    for (EventLog log : open.values()) {
      try {
        log.close();
      } catch (RuntimeException e) {
        // Keep closing the others: each one still open keeps its directory locked.
        system.log().error(e, "could not close {}", log);
      }
    }
    open.clear();
  }

  private static final class Id extends AbstractExtensionId<EventLogs> {
    @Override
    public EventLogs createExtension(ExtendedActorSystem system) {
      return new EventLogs(system);
    }
  }
}
