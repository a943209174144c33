package peerlink.storage;

import java.util.Map;
import java.util.Objects;
import peerlink.checkpoint.SentId;

/**
 * One serialized journal event of one persistent entity, as the {@link EventLog} stores it, with what it keeps
 * beside the journal ({@code peerlink.checkpoint.KeptAside}: message bodies, a client id), stored or deleted in
 * the same atomic write.
 *
 * @param persistenceId the entity the event belongs to
 * @param sequenceNr    the event's position in that entity's history, starting at 1
 * @param payload       the serialized event; the log never looks inside it
 * @param bodies        bodies to store, by message number
 * @param droppedBodies message numbers whose bodies to delete
 * @param sentId        a client id to keep, or null
 * @param forgottenSentId a kept client id to delete, or null
 */
public record LogEntry(
    String persistenceId, long sequenceNr, byte[] payload, Map<Long, byte[]> bodies, long[] droppedBodies, SentId sentId, SentId forgottenSentId) {

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

  /** An event without anything aside. */
  public LogEntry(String persistenceId, long sequenceNr, byte[] payload) {
    this(persistenceId, sequenceNr, payload, Map.of(), NONE);
  }

  /** An event with bodies aside, and no client id. */
  public LogEntry(String persistenceId, long sequenceNr, byte[] payload, Map<Long, byte[]> bodies, long[] droppedBodies) {
    this(persistenceId, sequenceNr, payload, bodies, droppedBodies, null, null);
  }
}
