package peerlink.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * LevelDB key layout of the event log.
 *
 * <p>Every key starts with a one-byte key space, so journal, snapshot and metadata keys never mix, then
 * the persistence id as a 4-byte length and its UTF-8 bytes. The length (rather than a separator)
 * keeps ids unambiguous whatever characters they hold: "a" can never be a prefix of "ab"'s keys.
 * Journal and snapshot keys end with the sequence number as 8 big-endian bytes, so LevelDB's bytewise
 * order is sequence-number order within one id (sequence numbers are never negative).
 */
final class Keys {

  static final byte JOURNAL = 1;
  static final byte SNAPSHOT = 2;
  static final byte METADATA = 3;
  /** The node's replication position; never copied between nodes. */
  static final byte POSITION = 4;
  static final byte[] POSITION_KEY = {POSITION};
  /** Present once the store has had another replica; copied with the store. */
  static final byte[] REPLICATED_KEY = {5};
  /** Sequence number and time of an id's latest snapshot, so reading them does not read the snapshot. */
  static final byte SNAPSHOT_INFO = 6;
  /**
   * Leading parts of a big snapshot, written ahead of it in writes of their own (space, id, sequence
   * number, 4-byte part index); the snapshot key itself holds the last part and makes the whole visible.
   */
  static final byte SNAPSHOT_PART = 7;
  /**
   * How many leading parts of a snapshot were written (space, id, sequence number; a 4-byte count),
   * updated by each part's write: deleting the parts then names their keys instead of reading them, and
   * a checkpoint's parts are tens of megabytes.
   */
  static final byte SNAPSHOT_PART_COUNT = 8;
  /** A piece of snapshot content stored once for every snapshot that refers to it (space, id, 8-byte piece id). */
  static final byte SNAPSHOT_PIECE = 9;
  /** The ids of the pieces one snapshot refers to (space, id, sequence number), as {@link PieceRefs}. */
  static final byte SNAPSHOT_PIECE_REFS = 10;
  /** The id this store was given when it was created; it names the store, not its content, so it is never copied. */
  static final byte[] STORE_ID_KEY = {11};
  /** The store's {@link StoreHistory} (lineage and epoch starts); set by a fence and by an installed copy. */
  static final byte[] HISTORY_KEY = {12};
  /** The position up to which this store's writes are known acknowledged; local, like the position. */
  static final byte[] COMMITTED_KEY = {13};
  /** The latest {@link InSyncRecord}, a replicated write of the primary; copied with the content. */
  static final byte[] IN_SYNC_KEY = {14};
  /** The keys of the last replicated write this store applied ({@link LastWrite}); local. */
  static final byte[] LAST_WRITE_KEY = {15};
  /**
   * A message body kept beside the journal (space, id, 8-byte message number): written with the event that
   * accepts the message, deleted with the event that settles it; copied with the content.
   */
  static final byte BODY = 16;
  /**
   * A kept client id (space, id's CRC-32C, sender as a 4-byte length and UTF-8, the client id's UTF-8): the 8-byte number of
   * the message it got and its 8-byte position among the sender's sends. Written with the event that accepts
   * the message, deleted with the send that moves the sender's window past it; copied with the content.
   */
  static final byte SENT_ID = 17;
  /**
   * The client id at a position of a sender's sends (space, id's CRC-32C, sender as above, 8-byte position), to
   * forget it by: written by builds up to {@code 5dd6573} only. Since, a sender's ids are forgotten a window at a
   * time by reading the positions in {@link #SENT_ID}'s values; these keys are read and deleted the same way.
   */
  static final byte SENT_ORDER = 18;
  /**
   * The record of a delivered message kept for its sender (space, id's CRC-32C, sender as above, 8-byte message number),
   * as the registry encoded it: written by the write after the one that settled the message, deleted with the
   * record that moves the sender's window past it; copied with the content.
   */
  static final byte KEPT_RECORD = 19;
  /**
   * The message number at a position of a sender's kept records (space, id's CRC-32C, sender as above, 8-byte
   * position): written by builds up to {@code 5dd6573} only, like {@link #SENT_ORDER}. Since, a record's value
   * begins with {@link #RECORD_WITH_POSITION} and its 8-byte position, by which it is forgotten.
   */
  static final byte KEPT_RECORD_ORDER = 20;
  /** The first byte of a kept record's value that carries its position; the registry's own encodings begin with 1 or 2. */
  static final byte RECORD_WITH_POSITION = 3;

  private Keys() {
  }

  /** Keys that describe this store itself rather than the replicated content: never exported or replaced by a copy. */
  static boolean isLocal(byte[] key) {
    return key.length == 1 && (key[0] == POSITION || key[0] == STORE_ID_KEY[0] || key[0] == HISTORY_KEY[0] || key[0] == COMMITTED_KEY[0]
        || key[0] == LAST_WRITE_KEY[0]);
  }

  /** The bytes shared by every key of this space and id; also the whole metadata key. */
  static byte[] prefix(byte space, String persistenceId) {
    byte[] id = persistenceId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + Integer.BYTES + id.length).put(space).putInt(id.length).put(id).array();
  }

  static byte[] withSequenceNr(byte[] prefix, long sequenceNr) {
    return ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(sequenceNr).array();
  }

  static byte[] journal(String persistenceId, long sequenceNr) {
    return withSequenceNr(prefix(JOURNAL, persistenceId), sequenceNr);
  }

  static byte[] snapshot(String persistenceId, long sequenceNr) {
    return withSequenceNr(prefix(SNAPSHOT, persistenceId), sequenceNr);
  }

  /** The prefix shared by the parts of one snapshot. */
  static byte[] snapshotParts(String persistenceId, long sequenceNr) {
    return withSequenceNr(prefix(SNAPSHOT_PART, persistenceId), sequenceNr);
  }

  static byte[] snapshotPart(String persistenceId, long sequenceNr, int index) {
    byte[] parts = snapshotParts(persistenceId, sequenceNr);
    return ByteBuffer.allocate(parts.length + Integer.BYTES).put(parts).putInt(index).array();
  }

  static byte[] snapshotPartCount(String persistenceId, long sequenceNr) {
    return withSequenceNr(prefix(SNAPSHOT_PART_COUNT, persistenceId), sequenceNr);
  }

  /** Piece ids are never negative, so bytewise order is id order, as with sequence numbers. */
  static byte[] snapshotPiece(String persistenceId, long pieceId) {
    return withSequenceNr(prefix(SNAPSHOT_PIECE, persistenceId), pieceId);
  }

  static byte[] snapshotPieceRefs(String persistenceId, long sequenceNr) {
    return withSequenceNr(prefix(SNAPSHOT_PIECE_REFS, persistenceId), sequenceNr);
  }

  /** Message numbers are never negative, so bytewise order is number order. */
  static byte[] body(String persistenceId, long number) {
    return withSequenceNr(prefix(BODY, persistenceId), number);
  }

  static byte[] sentId(String persistenceId, String sender, String clientId) {
    byte[] bySender = bySender(SENT_ID, persistenceId, sender);
    byte[] client = clientId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(bySender.length + client.length).put(bySender).put(client).array();
  }

  /** The prefix of one sender's kept client ids (followed by the id's UTF-8). */
  static byte[] sentIds(String persistenceId, String sender) {
    return bySender(SENT_ID, persistenceId, sender);
  }

  /** The prefix of one sender's client ids by position, as builds before {@code sentIdsForgottenBefore} wrote them. */
  static byte[] sentOrders(String persistenceId, String sender) {
    return bySender(SENT_ORDER, persistenceId, sender);
  }

  /** The prefix of one sender's kept records (followed by the 8-byte message number). */
  static byte[] keptRecords(String persistenceId, String sender) {
    return bySender(KEPT_RECORD, persistenceId, sender);
  }

  /** The prefix of one sender's kept record numbers by position, as builds before {@code recordsForgottenBefore} wrote them. */
  static byte[] keptRecordOrders(String persistenceId, String sender) {
    return bySender(KEPT_RECORD_ORDER, persistenceId, sender);
  }

  static byte[] sentOrder(String persistenceId, String sender, long position) {
    return withSequenceNr(bySender(SENT_ORDER, persistenceId, sender), position);
  }

  static byte[] keptRecord(String persistenceId, String sender, long number) {
    return withSequenceNr(bySender(KEPT_RECORD, persistenceId, sender), number);
  }

  static byte[] keptRecordOrder(String persistenceId, String sender, long position) {
    return withSequenceNr(bySender(KEPT_RECORD_ORDER, persistenceId, sender), position);
  }

  /**
   * The prefix of one sender's keys in a space: the persistence id as its CRC-32C (4 bytes, where the id itself
   * would be 21 for the registry's: these keys are written four per message and each byte crosses every
   * replicated write and the cluster link's TLS; a store holds the keys of one or two ids), then the sender's
   * length and UTF-8, so no sender's keys are a prefix of another's.
   */
  private static byte[] bySender(byte space, String persistenceId, String sender) {
    CRC32C id = new CRC32C();
    id.update(persistenceId.getBytes(StandardCharsets.UTF_8));
    byte[] name = sender.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + Integer.BYTES + Integer.BYTES + name.length)
        .put(space).putInt((int) id.getValue()).putInt(name.length).put(name).array();
  }

  static byte[] snapshotInfo(String persistenceId) {
    return prefix(SNAPSHOT_INFO, persistenceId);
  }

  static byte[] metadata(String persistenceId) {
    return prefix(METADATA, persistenceId);
  }

  /** Whether {@code key} is a sequenced key directly under {@code prefix}. */
  static boolean isUnder(byte[] key, byte[] prefix) {
    return key.length == prefix.length + Long.BYTES
        && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  static long sequenceNr(byte[] key) {
    return ByteBuffer.wrap(key, key.length - Long.BYTES, Long.BYTES).getLong();
  }
}
