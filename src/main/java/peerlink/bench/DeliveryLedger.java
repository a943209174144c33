package peerlink.bench;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each recipient received, per stream (a sender, or a sender's group): finds duplicates (a sequence
 * number seen twice) and reorderings (one arriving after a higher one), and — with the sequence numbers the
 * router acknowledged as SENT — what was acknowledged but never arrived.
 */
final class DeliveryLedger {
  enum Outcome { NEW, REORDERED, DUPLICATE }

  private final Map<Integer, Receiver> receivers = new ConcurrentHashMap<>();

  /** A ledger for receivers numbered from 0 ({@code receivers} says how many to expect; more are taken too). */
  DeliveryLedger(int receivers) {
    for (int i = 0; i < receivers; i++) {
      this.receivers.put(i, new Receiver());
    }
  }

  /** A ledger that learns its receivers as they come: one per measured step, to tell its own losses. */
  DeliveryLedger() {
    this(0);
  }

  Outcome received(int receiver, int stream, long seq) {
    return receiver(receiver).received(stream, (int) seq);
  }

  void acked(int receiver, int stream, long seq) {
    receiver(receiver).acked(stream, (int) seq);
  }

  private Receiver receiver(int index) {
    Receiver receiver = receivers.get(index);
    return receiver != null ? receiver : receivers.computeIfAbsent(index, i -> new Receiver());
  }

  /** Messages acknowledged as SENT that have not arrived. */
  long ackedButMissing() {
    long missing = 0;
    for (Receiver receiver : receivers.values()) {
      missing += receiver.ackedButMissing();
    }
    return missing;
  }

  long distinctReceived() {
    long count = 0;
    for (Receiver receiver : receivers.values()) {
      count += receiver.distinct();
    }
    return count;
  }

  private static final class Receiver {
    private final Map<Integer, Conversation> streams = new HashMap<>();

    synchronized Outcome received(int stream, int seq) {
      Conversation c = streams.computeIfAbsent(stream, s -> new Conversation());
      if (c.seen.get(seq)) {
        return Outcome.DUPLICATE;
      }
      c.seen.set(seq);
      if (seq < c.highest) {
        return Outcome.REORDERED;
      }
      c.highest = seq;
      return Outcome.NEW;
    }

    synchronized void acked(int stream, int seq) {
      streams.computeIfAbsent(stream, s -> new Conversation()).acked.set(seq);
    }

    synchronized long ackedButMissing() {
      long missing = 0;
      for (Conversation c : streams.values()) {
        BitSet gap = (BitSet) c.acked.clone();
        gap.andNot(c.seen);
        missing += gap.cardinality();
      }
      return missing;
    }

    synchronized long distinct() {
      long count = 0;
      for (Conversation c : streams.values()) {
        count += c.seen.cardinality();
      }
      return count;
    }
  }

  private static final class Conversation {
    final BitSet seen = new BitSet();
    final BitSet acked = new BitSet();
    int highest = -1;
  }
}
