package peerlink.storage;

import java.util.Objects;

/**
 * One serialized journal event of one persistent entity, as the {@link EventLog} stores it.
 *
 * @param persistenceId the entity the event belongs to
 * @param sequenceNr    the event's position in that entity's history, starting at 1
 * @param payload       the serialized event; the log never looks inside it
 */
public record LogEntry(String persistenceId, long sequenceNr, byte[] payload) {

  public LogEntry {
    Objects.requireNonNull(persistenceId, "persistenceId");
    Objects.requireNonNull(payload, "payload");
    if (sequenceNr < 1) {
      throw new IllegalArgumentException("sequence numbers start at 1, got " + sequenceNr);
    }
  }
}
