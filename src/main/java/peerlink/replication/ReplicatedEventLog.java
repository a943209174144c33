package peerlink.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import peerlink.checkpoint.SentId;
import peerlink.storage.EventLog;
import peerlink.storage.EventLogs;
import peerlink.storage.StorePosition;
import peerlink.storage.LevelDbEventLog;
import peerlink.storage.LogEntry;
import peerlink.storage.Mutation;
import peerlink.storage.PieceRefs;
import peerlink.storage.SnapshotCriteria;
import peerlink.storage.SnapshotParts;
import peerlink.storage.SnapshotPayload;
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
  /** Size of the parts a checkpoint is written in; a journal write waits for at most one of them. */
  static final int SNAPSHOT_PART_BYTES = 256 * 1024;

  public ReplicatedEventLog(LevelDbEventLog store, ActorRef<ReplicationLeader.Command> leader, Duration writeTimeout) {
    this.store = store;
    this.leader = leader;
    this.writeTimeout = writeTimeout;
  }

  @Override
  public void append(List<LogEntry> entries) {
    write(s -> s.planAppend(entries));
  }

  /** Hands the write to the leader; no thread waits while it is replicated. */
  @Override
  public CompletableFuture<Void> appendAsync(List<LogEntry> entries, Executor blocking) {
    return writeAsync(s -> s.planAppend(entries));
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

  /*
   * What events keep beside the journal is read from this node's store directly, without asking the leader
   * whether this node is still the primary (a round trip through its mailbox, behind the writes it is
   * replicating, that the registry's one thread waited for on every send and every page). Only the
   * registry reads these, and it runs on the primary, recovered there through replay, which does ask. Its store
   * has applied every write the registry saw complete, and the registry decides a batch only after the write
   * before it completed, so what it reads is acknowledged content. If this node has lost the role meanwhile,
   * what the registry decides from it is refused with its next write (replicas refuse an older epoch).
   */

  @Override
  public byte[] body(String persistenceId, long number) {
    return store.body(persistenceId, number);
  }

  @Override
  public SentId sentId(String persistenceId, String sender, String clientId) {
    return store.sentId(persistenceId, sender, clientId);
  }

  @Override
  public java.util.List<String> sentIdsStartingWith(String persistenceId, String sender, String prefix, int limit) {
    return store.sentIdsStartingWith(persistenceId, sender, prefix, limit);
  }

  @Override
  public byte[] keptRecord(String persistenceId, String sender, long number) {
    return store.keptRecord(persistenceId, sender, number);
  }

  @Override
  public void deleteTo(String persistenceId, long toSequenceNr) {
    // In chunks, each its own replicated write, so that the journal's writes go between them.
    boolean[] planned = {true};
    while (planned[0]) {
      write(s -> {
        List<Mutation> plan = s.planDeleteTo(persistenceId, toSequenceNr, LevelDbEventLog.DELETE_CHUNK);
        planned[0] = !plan.isEmpty();
        return plan;
      });
    }
  }

  /**
   * A checkpoint is the whole registry, megabytes once peers have history. Written as one replicated
   * write it would hold up every acknowledgement behind it (measured: 80-300 ms for 1-10 MB); in parts of
   * {@link #SNAPSHOT_PART_BYTES}, each its own write, the journal's writes queued meanwhile go between
   * them. The last write makes the snapshot visible, so a failover in between leaves only unread parts.
   */
  @Override
  public void saveSnapshot(StoredSnapshot snapshot) {
    try {
      saveSnapshot(snapshot.persistenceId(), snapshot.sequenceNr(), snapshot.timestamp(), out -> out.write(snapshot.payload()), PieceRefs.NONE);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing an array to SnapshotParts throws none
    }
  }

  /**
   * The same, each part written as soon as the payload has filled it: the checkpoint is never one array.
   * The last write, which makes it visible, records the pieces it refers to.
   */
  @Override
  public long saveSnapshot(String persistenceId, long sequenceNr, long timestamp, SnapshotPayload payload, PieceRefs pieces)
      throws IOException {
    SnapshotParts parts = new SnapshotParts(SNAPSHOT_PART_BYTES, new SnapshotParts.Sink() {
      @Override
      public void part(int index, byte[] bytes) {
        write(s -> s.planSaveSnapshotPart(persistenceId, sequenceNr, index, bytes));
      }

      @Override
      public void last(byte[] rest, boolean afterParts) {
        StoredSnapshot last = new StoredSnapshot(persistenceId, sequenceNr, timestamp, rest);
        write(s -> s.planSaveSnapshot(last, afterParts, pieces));
      }
    });
    payload.writeTo(parts);
    return parts.finish();
  }

  /** One replicated write: the snapshot store hands over new pieces in batches about the size of a part. */
  @Override
  public void savePieces(String persistenceId, Map<Long, byte[]> pieces) {
    write(s -> s.planSavePieces(persistenceId, pieces));
  }

  /** From the local store: only the primary saves checkpoints, and its store has every acknowledged write. */
  @Override
  public PieceRefs latestSnapshotPieces(String persistenceId) {
    return store.latestSnapshotPieces(persistenceId);
  }

  /** From the local store, after {@link #latestSnapshot} made this node the primary. */
  @Override
  public void readPieces(String persistenceId, PieceRefs ids, BiConsumer<Long, byte[]> each) {
    store.readPieces(persistenceId, ids, each);
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
    await(timed(done, "becoming the primary"), "becoming the primary");
  }

  private void write(Function<LevelDbEventLog, List<Mutation>> plan) {
    await(writeAsync(plan), "replicating a write");
  }

  private CompletableFuture<Void> writeAsync(Function<LevelDbEventLog, List<Mutation>> plan) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    leader.tell(new ReplicationLeader.Write(plan, done));
    return timed(done, "replicating a write");
  }

  /** The leader's answer, failed with an {@link IllegalStateException} saying why: its reason, or the time-out. */
  private CompletableFuture<Void> timed(CompletableFuture<Void> done, String what) {
    return done.orTimeout(writeTimeout.toMillis(), TimeUnit.MILLISECONDS).handle((answered, failure) -> {
      if (failure == null) {
        return null;
      }
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      if (cause instanceof TimeoutException) {
        throw new IllegalStateException("timed out " + what + " after " + writeTimeout.toSeconds() + " s");
      }
      throw new IllegalStateException(cause.getMessage(), cause);
    });
  }

  /** Waits for a {@link #timed} answer and throws its failure as it is. */
  private static void await(CompletableFuture<Void> timed, String what) {
    try {
      timed.get();
    } catch (ExecutionException e) {
      throw (IllegalStateException) e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // for one, a checkpoint writer being stopped
      throw new IllegalStateException("interrupted while " + what);
    }
  }
}
