package peerlink.checkpoint;

/**
 * The record of a delivered message, kept beside the journal so that its sender can still ask for its state
 * ({@link KeptAside#recordsToStore}): by sender and message number, and by its position among the sender's
 * kept records (0 for the first), by which the oldest is forgotten once the sender's window has passed it.
 *
 * @param record the record as the registry encoded it; null where only number and position matter (a forgotten one)
 */
public record KeptRecord(String sender, long number, long position, byte[] record) {}
