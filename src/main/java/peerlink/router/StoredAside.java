package peerlink.router;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import peerlink.checkpoint.SentId;
import peerlink.storage.EventLog;
import peerlink.storage.EventLogs;
import peerlink.storage.LevelDbJournal;

/**
 * The bodies of queued messages and the client ids of recent sends in the node's store, where PeerLink's journal
 * writes them beside the events ({@link peerlink.checkpoint.KeptAside}); the most recent bodies also in a bounded
 * cache ({@link RecentBodies}). The log
 * is looked up at the first read, not when the registry is made: the node installs the replicated log in place
 * of its local one before any persistent actor starts, and the registry reads from whichever serves the journal.
 */
final class StoredAside implements AsideStore {
  private final EventLogs logs;
  private final Path directory;
  private final String persistenceId;
  private final RecentBodies recent;
  private EventLog log; // the registry's thread only

  private StoredAside(EventLogs logs, Path directory, String persistenceId, long recentBudgetChars) {
    this.logs = logs;
    this.directory = directory;
    this.persistenceId = persistenceId;
    this.recent = new RecentBodies(recentBudgetChars);
  }

  /**
   * The bodies of {@code persistenceId}'s messages in the store of the journal {@code system} uses, when that is
   * PeerLink's own; else {@link AsideStore#NONE} (a journal that stores events only, as in unit tests).
   */
  static AsideStore forJournalOf(ActorSystem<?> system, String persistenceId) {
    Config config = system.settings().config();
    String plugin = config.getString("pekko.persistence.journal.plugin");
    boolean ours = !plugin.isEmpty() && config.hasPath(plugin + ".class") && config.getString(plugin + ".class").equals(LevelDbJournal.class.getName());
    if (!ours) {
      return NONE;
    }
    return new StoredAside(EventLogs.get(Adapter.toClassic(system)), Path.of(config.getString(plugin + ".dir")), persistenceId,
        config.getBytes("peerlink.router.recent-bodies"));
  }

  @Override
  public boolean keptAside() {
    return true;
  }

  @Override
  public void written(long number, String body) {
    recent.remember(number, body);
  }

  @Override
  public void dropped(long number) {
    recent.forget(number);
  }

  @Override
  public String read(long number) {
    String known = recent.get(number);
    if (known != null) {
      return known;
    }
    byte[] body = log().body(persistenceId, number);
    if (body == null) {
      throw new IllegalStateException("The body of message m" + number + " is missing from the store in " + directory
          + ", though the message waits in an inbox: the store was changed outside PeerLink. Restore it from a backup node.");
    }
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public SentId sentId(String sender, String clientId) {
    return log().sentId(persistenceId, sender, clientId);
  }

  @Override
  public java.util.List<String> sentIdsStartingWith(String sender, String prefix, int limit) {
    return log().sentIdsStartingWith(persistenceId, sender, prefix, limit);
  }

  @Override
  public MessageRecord keptRecord(String sender, long number) {
    byte[] record = log().keptRecord(persistenceId, sender, number);
    return record == null ? null : KeptRecordCodec.decode(sender, record);
  }

  private EventLog log() {
    if (log == null) {
      log = logs.forDirectory(directory);
    }
    return log;
  }
}
