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

  private synchronized void closeAll() {
    terminated = true;
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
