package peerlink.storage;

import java.util.Objects;

/**
 * One serialized snapshot (checkpoint) of one persistent entity, as the {@link EventLog} stores it.
 *
 * @param persistenceId the entity the snapshot belongs to
 * @param sequenceNr    the sequence number of the last event the snapshot includes
 * @param timestamp     when the snapshot was taken, in epoch milliseconds
 * @param payload       the serialized snapshot; the log never looks inside it
 */
public record StoredSnapshot(String persistenceId, long sequenceNr, long timestamp, byte[] payload) {

  public StoredSnapshot {
    Objects.requireNonNull(persistenceId, "persistenceId");
    Objects.requireNonNull(payload, "payload");
  }
}
