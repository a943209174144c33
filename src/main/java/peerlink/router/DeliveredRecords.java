package peerlink.router;

import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.function.UnaryOperator;

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

  int size() {
    return entries.size();
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

  /** The kept message ids, oldest first: the snapshot form. A view; the records are immutable. */
  Collection<String> ids() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<String> iterator() {
        KeptEntries.Cursor cursor = entries.cursor();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return cursor.hasNext();
          }

          @Override
          public String next() {
            cursor.advance();
            return MessageIds.of(cursor.number());
          }
        };
      }

      @Override
      public int size() {
        return entries.size();
      }
    };
  }

  /** The kept messages with their records, oldest first. */
  Iterator<Map.Entry<String, MessageRecord>> records(String sender) {
    KeptEntries.Cursor cursor = entries.cursor();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return cursor.hasNext();
      }

      @Override
      public Map.Entry<String, MessageRecord> next() {
        cursor.advance();
        return Map.entry(MessageIds.of(cursor.number()), expand(sender, cursor.value()));
      }
    };
  }

  private static MessageRecord expand(String sender, Object kept) {
    return kept instanceof MessageRecord record ? record : MessageRecord.deliveredDirect(sender, (String) kept);
  }
}
