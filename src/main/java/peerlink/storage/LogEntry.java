package peerlink.storage;

import java.util.Objects;
import peerlink.checkpoint.KeptAside;

/**
 * One serialized journal event of one persistent entity, as the {@link EventLog} stores it, with what it keeps
 * beside the journal (message bodies, a client id, delivered messages' records), stored or deleted in the same
 * atomic write.
 *
 * @param persistenceId the entity the event belongs to
 * @param sequenceNr    the event's position in that entity's history, starting at 1
 * @param payload       the serialized event; the log never looks inside it
 * @param aside         what the event keeps beside the journal, or null when nothing
 */
public record LogEntry(String persistenceId, long sequenceNr, byte[] payload, KeptAside aside) {

  public LogEntry {
    Objects.requireNonNull(persistenceId, "persistenceId");
    Objects.requireNonNull(payload, "payload");
    if (sequenceNr < 1) {
      throw new IllegalArgumentException("sequence numbers start at 1, got " + sequenceNr);
    }
  }

  /** An event without anything aside. */
  public LogEntry(String persistenceId, long sequenceNr, byte[] payload) {
    this(persistenceId, sequenceNr, payload, null);
  }
}
