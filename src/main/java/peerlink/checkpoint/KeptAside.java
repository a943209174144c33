package peerlink.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * An event that keeps part of what it says beside the journal rather than in it: message bodies, the client
 * ids of recent sends, and the records of delivered messages. The store writes what it names, deletes what it drops, and journals
 * {@link #journaled()} (the event without what went aside), all in the one atomic, replicated write of the
 * event. What waits there costs the registry's heap nothing; the registry reads it back from the store when
 * it needs it (docs/architecture.md, "Kept beside the journal").
 *
 * <p>Like {@link PiecedSnapshot}, part of the contract between persistent state and the stores; bodies are
 * named by the number of their message, unique within one persistent entity, and client ids by their sender.
 */
public interface KeptAside {
  long[] NONE = {};

  /** The bodies to store with this event, by message number, as UTF-8. */
  default Map<Long, byte[]> bodiesToStore() {
    return Map.of();
  }

  /** The message numbers whose stored bodies go with this event (deleting one that is not stored changes nothing). */
  default long[] bodiesToDelete() {
    return NONE;
  }

  /** A client id to keep for its sender, found again by sender and id until it is forgotten; null when none. */
  default SentId sentIdToStore() {
    return null;
  }

  /**
   * A kept client id that goes with this event (its sender's window moved past its position): the store deletes
   * it, and its position. Null when none; one that is not stored changes nothing.
   */
  default SentId sentIdToForget() {
    return null;
  }

  /**
   * Senders whose kept client ids at positions below the given one go with this event (the store reads them
   * by sender and deletes them; a sender's window moves a whole window at a time, so that no send pays a
   * key to be found by when it is forgotten). None by default.
   */
  default Map<String, Long> sentIdsForgottenBefore() {
    return Map.of();
  }

  /** Like {@link #sentIdsForgottenBefore}, for kept records and their positions among their sender's kept records. */
  default Map<String, Long> recordsForgottenBefore() {
    return Map.of();
  }

  /** Records of delivered messages to keep for their senders; none by default. */
  default List<KeptRecord> recordsToStore() {
    return List.of();
  }

  /** Kept records that go with this event (their senders' windows moved past them); their {@code record} is null. */
  default List<KeptRecord> recordsToForget() {
    return List.of();
  }

  /** What the journal keeps of this event: itself without the bodies it stores aside. */
  Object journaled();
}
