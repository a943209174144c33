package peerlink.session;

import java.util.TreeSet;

/**
 * The sequence numbers of pushes a connection was not written because its protocol version does not know
 * them (docs/protocol.md, section 2). Its client cannot acknowledge what it never saw, so once it has
 * acknowledged everything before such a push, the session acknowledges that push for it. Bounded by the
 * push window: only pushes sent and not yet acknowledged are held.
 */
final class UnseenPushes {
  private final TreeSet<Long> seqs = new TreeSet<>();

  void add(long seq) {
    seqs.add(seq);
  }

  /** Acknowledges in {@code window} the unseen pushes that directly follow what is acknowledged there. */
  void coverAfter(PushWindow window) {
    seqs.headSet(window.ackedUpTo(), true).clear();
    long upTo = window.ackedUpTo();
    while (seqs.remove(upTo + 1)) {
      upTo++;
    }
    if (upTo > window.ackedUpTo()) {
      window.acknowledge(upTo);
    }
  }
}
