package peerlink.router;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The client ids of a peer's most recent sends, each with the router message id it got, so that a resent id
 * is recognised as a duplicate: at most {@link #KEPT}, the oldest forgotten first (a client resends only
 * what it has not seen answered yet). Compact ({@link KeptEntries} says why) and immutable.
 */
final class SentIds {
  static final int KEPT = 10_000;
  private static final SentIds EMPTY = new SentIds(new KeptEntries(KEPT, true));

  private final KeptEntries entries;

  private SentIds(KeptEntries entries) {
    this.entries = entries;
  }

  static SentIds empty() {
    return EMPTY;
  }

  /** Client id to message id, oldest first, as a checkpoint lists them. */
  static SentIds of(Map<String, String> inOrder) {
    SentIds ids = EMPTY;
    for (Map.Entry<String, String> sent : inOrder.entrySet()) {
      ids = ids.plus(sent.getKey(), sent.getValue());
    }
    return ids;
  }

  int size() {
    return entries.size();
  }

  /** These ids and one more, the newest. {@code msgId} must be a router message id ({@link MessageIds}). */
  SentIds plus(String clientId, String msgId) {
    return new SentIds(entries.plus(MessageIds.numberOrThrow(msgId), clientId));
  }

  /** The message id a kept client id got, or null. */
  String msgIdFor(String clientId) {
    long number = entries.numberOf(clientId);
    return number < 0 ? null : MessageIds.of(number);
  }

  /** Client id to message id, oldest first: the snapshot form. A view, not a copy: a checkpoint writes up to 10,000 per peer. */
  Map<String, String> inOrder() {
    return new AbstractMap<>() {
      @Override
      public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
          @Override
          public int size() {
            return entries.size();
          }

          @Override
          public Iterator<Entry<String, String>> iterator() {
            KeptEntries.Cursor cursor = entries.cursor();
            return new Iterator<>() {
              @Override
              public boolean hasNext() {
                return cursor.hasNext();
              }

              @Override
              public Entry<String, String> next() {
                cursor.advance();
                return Map.entry((String) cursor.value(), MessageIds.of(cursor.number()));
              }
            };
          }
        };
      }
    };
  }
}
