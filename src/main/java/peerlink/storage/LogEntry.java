package peerlink.storage;

import java.util.Map;
import java.util.Objects;

/**
 * One serialized journal event of one persistent entity, as the {@link EventLog} stores it, with the message
 * bodies it keeps beside the journal ({@code peerlink.checkpoint.BodiesAside}), stored or deleted in the same
 * atomic write.
 *
 * @param persistenceId the entity the event belongs to
 * @param sequenceNr    the event's position in that entity's history, starting at 1
 * @param payload       the serialized event; the log never looks inside it
 * @param bodies        bodies to store, by message number
 * @param droppedBodies message numbers whose bodies to delete
 */
public record LogEntry(String persistenceId, long sequenceNr, byte[] payload, Map<Long, byte[]> bodies, long[] droppedBodies) {

  private static final long[] NONE = {};

  public LogEntry {
    Objects.requireNonNull(persistenceId, "persistenceId");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(bodies, "bodies");
    Objects.requireNonNull(droppedBodies, "droppedBodies");
    if (sequenceNr < 1) {
      throw new IllegalArgumentException("sequence numbers start at 1, got " + sequenceNr);
    }
  }

  /** An event without bodies aside. */
  public LogEntry(String persistenceId, long sequenceNr, byte[] payload) {
    this(persistenceId, sequenceNr, payload, Map.of(), NONE);
  }
}
