package peerlink.router;

import java.util.function.LongFunction;
import java.util.function.UnaryOperator;
import peerlink.checkpoint.PiecedSnapshot;

/**
 * One sender's most recent fully delivered messages, oldest first, kept so that {@code status} and a resent
 * {@code send} can still be answered: at most {@link #KEPT}, the oldest forgotten first. A direct message
 * is kept as its number and its recipient's name, anything else with its whole record ({@link KeptEntries}
 * says why so compactly). Immutable.
 */
final class DeliveredRecords {
  static final int KEPT = 10_000;
  private static final DeliveredRecords EMPTY = new DeliveredRecords(new KeptEntries(KEPT));

  private final KeptEntries entries;

  private DeliveredRecords(KeptEntries entries) {
    this.entries = entries;
  }

  static DeliveredRecords empty() {
    return EMPTY;
  }

  /** The records as a checkpoint left them, their names {@code interned}'s instances. */
  static DeliveredRecords restore(KeptForm form, LongFunction<Object> pieceById, UnaryOperator<String> interned) {
    return new DeliveredRecords(form.restore(KEPT, pieceById, interned));
  }

  int size() {
    return entries.size();
  }

  /** How many records were ever added to this line of instances: the position the next one gets. */
  long end() {
    return entries.end();
  }

  KeptForm form() {
    return KeptForm.of(entries, KeptForm.Log.DELIVERED);
  }

  void forEachPiece(PiecedSnapshot.PieceVisitor visitor) {
    KeptForm.forEachPiece(entries, KeptForm.Log.DELIVERED, visitor);
  }

  /** These records and one more, delivered last. {@code msgId} must be a router message id ({@link MessageIds}). */
  DeliveredRecords plus(String msgId, MessageRecord record) {
    return new DeliveredRecords(entries.plus(MessageIds.numberOrThrow(msgId), record.isDirectAndDelivered() ? record.to() : record));
  }

  /** As {@link #plus}, for a record read from a checkpoint: its names become {@code names}' instances of them. */
  DeliveredRecords plusLoaded(String msgId, MessageRecord record, UnaryOperator<String> names) {
    Object kept = record.isDirectAndDelivered() ? names.apply(record.to()) : record.withNames(names);
    return new DeliveredRecords(entries.plus(MessageIds.numberOrThrow(msgId), kept));
  }

  /** The record of a kept message of this sender, or null. */
  MessageRecord find(String sender, String msgId) {
    long number = MessageIds.number(msgId);
    Object kept = number < 0 ? null : entries.valueOf(number);
    return kept == null ? null : expand(sender, kept);
  }

  private static MessageRecord expand(String sender, Object kept) {
    return kept instanceof MessageRecord record ? record : MessageRecord.deliveredDirect(sender, (String) kept);
  }
}
