package peerlink.replication;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import peerlink.storage.EventLog;
import peerlink.storage.EventLogs;
import peerlink.storage.StorePosition;
import peerlink.storage.LevelDbEventLog;
import peerlink.storage.LogEntry;
import peerlink.storage.Mutation;
import peerlink.storage.SnapshotCriteria;
import peerlink.storage.StoredSnapshot;

/**
 * The event log the journal and snapshot-store plugins use on a router node: reads come from the local
 * store, every write goes through the {@link ReplicationLeader} and returns once it is replicated. The
 * first read of a recovery makes this node the primary, or fails with the reason it may not be.
 */
public final class ReplicatedEventLog implements EventLog, EventLogs.Positioned {
  private final LevelDbEventLog store;
  private final ActorRef<ReplicationLeader.Command> leader;
  private final Duration writeTimeout;

  public ReplicatedEventLog(LevelDbEventLog store, ActorRef<ReplicationLeader.Command> leader, Duration writeTimeout) {
    this.store = store;
    this.leader = leader;
    this.writeTimeout = writeTimeout;
  }

  @Override
  public void append(List<LogEntry> entries) {
    write(s -> s.planAppend(entries));
  }

  @Override
  public void replay(String persistenceId, long fromSequenceNr, long toSequenceNr, long max, Consumer<LogEntry> each) {
    ensurePrimary();
    store.replay(persistenceId, fromSequenceNr, toSequenceNr, max, each);
  }

  @Override
  public long highestSequenceNr(String persistenceId) {
    ensurePrimary();
    return store.highestSequenceNr(persistenceId);
  }

  @Override
  public void deleteTo(String persistenceId, long toSequenceNr) {
    write(s -> s.planDeleteTo(persistenceId, toSequenceNr));
  }

  @Override
  public void saveSnapshot(StoredSnapshot snapshot) {
    write(s -> s.planSaveSnapshot(snapshot));
  }

  @Override
  public Optional<StoredSnapshot> latestSnapshot(String persistenceId, SnapshotCriteria criteria) {
    ensurePrimary();
    return store.latestSnapshot(persistenceId, criteria);
  }

  @Override
  public void deleteSnapshot(String persistenceId, long sequenceNr) {
    write(s -> s.planDeleteSnapshot(persistenceId, sequenceNr));
  }

  @Override
  public void deleteSnapshots(String persistenceId, SnapshotCriteria criteria) {
    write(s -> s.planDeleteSnapshots(persistenceId, criteria));
  }

  @Override
  public StorePosition position() {
    return store.position();
  }

  @Override
  public void close() {
    store.close();
  }

  private void ensurePrimary() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    leader.tell(new ReplicationLeader.EnsurePrimary(done));
    await(done, "becoming the primary");
  }

  private void write(Function<LevelDbEventLog, List<Mutation>> plan) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    leader.tell(new ReplicationLeader.Write(plan, done));
    await(done, "replicating a write");
  }

  private void await(CompletableFuture<Void> done, String what) {
    try {
      done.get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out " + what + " after " + writeTimeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what);
    }
  }
}
