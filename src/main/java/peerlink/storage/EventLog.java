package peerlink.storage;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import peerlink.checkpoint.SentId;

/**
 * The narrow storage contract behind PeerLink's journal and snapshot-store plugins: a durable,
 * per-entity log of serialized events plus the entities' snapshots.
 *
 * <p>Implementations must be thread-safe: the plugins call them from several futures at once. Keeping
 * this interface free of Pekko and LevelDB types is what lets a replicated implementation slot in
 * later without touching the plugins.
 */
public interface EventLog extends AutoCloseable {

  /**
   * Stores all entries atomically (all or none) and returns only when they are durable on disk.
   * Callers write the entries of one persistence id in sequence-number order and never concurrently
   * with another append for the same id (Pekko guarantees this for persistent actors).
   */
  void append(List<LogEntry> entries);

  /**
   * Like {@link #append}, but returns at once; the future completes when the entries are durable, or
   * fails with the reason they are not. A log that waits for its own disk does so on {@code blocking};
   * the replicated log blocks no thread.
   */
  default CompletableFuture<Void> appendAsync(List<LogEntry> entries, Executor blocking) {
    return CompletableFuture.runAsync(() -> append(entries), blocking);
  }

  /**
   * Feeds {@code each} the entries of {@code persistenceId} with {@code fromSequenceNr <= seqNr <=
   * toSequenceNr}, in order, at most {@code max} of them; entries deleted by {@link #deleteTo} are skipped.
   */
  void replay(String persistenceId, long fromSequenceNr, long toSequenceNr, long max, Consumer<LogEntry> each);

  /** The highest sequence number ever appended for the id, even if it was deleted since; 0 if none. */
  long highestSequenceNr(String persistenceId);

  /**
   * The body of message {@code number} that an appended entry stored beside the journal
   * ({@link LogEntry#bodies}) and no later one dropped; null when there is none.
   */
  byte[] body(String persistenceId, long number);

  /** The client id {@code sender} gave a message, as an appended entry kept it ({@link LogEntry#sentId}) and no later one forgot it; null when none. */
  SentId sentId(String persistenceId, String sender, String clientId);

  /**
   * The client ids {@code sender} gave messages that start with {@code prefix}, as {@link #sentId} finds them, in
   * bytewise order of their UTF-8; at most {@code limit}, and one more when there are more.
   */
  List<String> sentIdsStartingWith(String persistenceId, String sender, String prefix, int limit);

  /** The record of {@code sender}'s delivered message {@code number} as an appended entry kept it and no later one forgot it; null when none. */
  byte[] keptRecord(String persistenceId, String sender, long number);

  /** Deletes the entries of the id up to and including {@code toSequenceNr} (which may exceed the highest). */
  void deleteTo(String persistenceId, long toSequenceNr);

  /** Stores a snapshot durably, replacing any earlier snapshot of the same id and sequence number. */
  void saveSnapshot(StoredSnapshot snapshot);

  /**
   * The same, with the payload written by {@code payload} as it is stored, and referring to the stored
   * {@code pieces} (none for a snapshot that is not in pieces); returns the payload's size in bytes. A log
   * that writes snapshots in parts streams the payload.
   */
  long saveSnapshot(String persistenceId, long sequenceNr, long timestamp, SnapshotPayload payload, PieceRefs pieces)
      throws IOException;

  /** {@link #saveSnapshot(String, long, long, SnapshotPayload, PieceRefs)} of a snapshot without pieces. */
  default long saveSnapshot(String persistenceId, long sequenceNr, long timestamp, SnapshotPayload payload)
      throws IOException {
    return saveSnapshot(persistenceId, sequenceNr, timestamp, payload, PieceRefs.NONE);
  }

  /**
   * Stores pieces of snapshot content for a snapshot about to be saved ({@code peerlink.checkpoint.PiecedSnapshot}),
   * each under its id, durably. A piece's content never changes, so storing an id again changes nothing.
   */
  void savePieces(String persistenceId, Map<Long, byte[]> pieces);

  /**
   * The pieces the latest snapshot of the id refers to: a new snapshot may refer to these without storing
   * them again, as they stay while that snapshot does. None if it has no pieces, or there is no snapshot.
   */
  PieceRefs latestSnapshotPieces(String persistenceId);

  /** Feeds {@code each} the stored content of every piece in {@code ids} that the store holds, in id order. */
  void readPieces(String persistenceId, PieceRefs ids, BiConsumer<Long, byte[]> each);

  /** The snapshot of the id with the highest sequence number among those the criteria select. */
  Optional<StoredSnapshot> latestSnapshot(String persistenceId, SnapshotCriteria criteria);

  /**
   * Deletes the snapshot of the id taken at that sequence number, if there is one, with the pieces that
   * no snapshot left refers to.
   */
  void deleteSnapshot(String persistenceId, long sequenceNr);

  /** Deletes every snapshot of the id that the criteria select, with the pieces no snapshot left refers to. */
  void deleteSnapshots(String persistenceId, SnapshotCriteria criteria);

  /** Releases the storage (and its directory lock); later calls fail. Closing twice is harmless. */
  @Override
  void close();
}
