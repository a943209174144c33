package peerlink.checkpoint;

import java.util.Map;

/**
 * An event that keeps message bodies beside the journal rather than in it: the store writes the bodies it
 * names, deletes the ones it drops, and journals {@link #journaled()} (the event without the bodies), all
 * in the one atomic, replicated write of the event. A body then costs the registry's heap nothing while it
 * waits; the registry reads it back from the store when it pushes it (docs/architecture.md, "Bodies beside
 * the journal").
 *
 * <p>Like {@link PiecedSnapshot}, part of the contract between persistent state and the stores; bodies are
 * named by the number of their message, unique within one persistent entity.
 */
public interface BodiesAside {
  long[] NONE = {};

  /** The bodies to store with this event, by message number, as UTF-8. */
  default Map<Long, byte[]> bodiesToStore() {
    return Map.of();
  }

  /** The message numbers whose stored bodies go with this event (deleting one that is not stored changes nothing). */
  default long[] bodiesToDelete() {
    return NONE;
  }

  /** What the journal keeps of this event: itself without the bodies it stores aside. */
  Object journaled();
}
