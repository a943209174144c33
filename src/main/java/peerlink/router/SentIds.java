package peerlink.router;

import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;
import peerlink.checkpoint.PiecedSnapshot;

/**
 * The client ids of a peer's most recent sends, each with the router message id it got, so that a resent id
 * is recognised as a duplicate: at most {@link #KEPT}, the oldest forgotten first (a client resends only
 * what it has not seen answered yet). Compact ({@link KeptEntries} says why) and immutable as far as anyone
 * can tell.
 *
 * <p>Every send asks whether its id was seen, so the ids are found through a {@link PositionIndex}. The
 * registry only ever adds to its newest instance, so one index serves the whole line of instances made
 * from one another by {@link #plus}, and describes the newest of them. An older instance (a checkpoint's)
 * that is asked, or added to, finds the index describing another and does without it: it scans, or
 * starts an index of its own.
 */
final class SentIds {
  static final int KEPT = 10_000;
  private static final SentIds EMPTY = new SentIds(new KeptEntries(KEPT), null);

  private final KeptEntries entries;
  /** The line's index, which describes {@code entries} only while this is the newest instance; null when none was made. */
  private final Lookup lookup;

  private SentIds(KeptEntries entries, Lookup lookup) {
    this.entries = entries;
    this.lookup = lookup;
  }

  static SentIds empty() {
    return EMPTY;
  }

  /** Client id to message id, oldest first, as a checkpoint of the form before pieces lists them. */
  static SentIds of(Map<String, String> inOrder) {
    SentIds ids = EMPTY;
    for (Map.Entry<String, String> sent : inOrder.entrySet()) {
      ids = ids.plus(sent.getKey(), sent.getValue());
    }
    return ids;
  }

  /** The ids as a checkpoint left them; the index is made by the first {@link #plus}. */
  static SentIds restore(KeptForm form, LongFunction<Object> pieceById) {
    return new SentIds(form.restore(KEPT, pieceById, UnaryOperator.identity()), null);
  }

  int size() {
    return entries.size();
  }

  /** How many ids were ever added to this line of instances: the position the next one gets. */
  long end() {
    return entries.end();
  }

  KeptForm form() {
    return KeptForm.of(entries, KeptForm.Log.SENT_IDS);
  }

  void forEachPiece(PiecedSnapshot.PieceVisitor visitor) {
    KeptForm.forEachPiece(entries, KeptForm.Log.SENT_IDS, visitor);
  }

  /** These ids and one more, the newest. {@code msgId} must be a router message id ({@link MessageIds}). */
  SentIds plus(String clientId, String msgId) {
    KeptEntries next = entries.plus(MessageIds.numberOrThrow(msgId), clientId);
    Lookup index = lookup != null && lookup.describes == entries ? lookup : Lookup.of(entries);
    for (long forgotten = entries.start(); forgotten < next.start(); forgotten++) {
      index.positions.remove(entries.valueAt(forgotten).hashCode(), forgotten);
    }
    index.positions.add(clientId.hashCode(), entries.end());
    index.describes = next;
    return new SentIds(next, index);
  }

  /** The message id a kept client id got, or null. */
  String msgIdFor(String clientId) {
    long position;
    if (lookup != null && lookup.describes == entries) {
      position = lookup.positions.newest(clientId.hashCode(), kept -> clientId.equals(entries.valueAt(kept)));
    } else {
      position = scan(clientId);
    }
    return position < 0 ? null : MessageIds.of(entries.numberAt(position));
  }

  private long scan(String clientId) {
    long found = -1;
    KeptEntries.Cursor cursor = entries.cursor();
    for (long position = entries.start(); cursor.hasNext(); position++) {
      cursor.advance();
      if (clientId.equals(cursor.value())) {
        found = position;
      }
    }
    return found;
  }

  /** An index and the instance it describes; changed by {@link #plus} only. */
  private static final class Lookup {
    final PositionIndex positions = new PositionIndex();
    KeptEntries describes;

    static Lookup of(KeptEntries entries) {
      Lookup lookup = new Lookup();
      KeptEntries.Cursor cursor = entries.cursor();
      for (long position = entries.start(); cursor.hasNext(); position++) {
        cursor.advance();
        lookup.positions.add(cursor.value().hashCode(), position);
      }
      lookup.describes = entries;
      return lookup;
    }
  }
}
