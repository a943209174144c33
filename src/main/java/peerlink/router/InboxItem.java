package peerlink.router;

import peerlink.protocol.ServerFrame;

/**
 * One push waiting in a peer's inbox until the peer acknowledges it: a message ({@link QueuedMessage}, its
 * body usually in the store) or a notice to a sender ({@link Notice}: delivered, expired).
 */
sealed interface InboxItem permits QueuedMessage, InboxItem.Notice {
  long seq();

  /** The push as the peer {@code to} gets it, its body read from {@code bodies} when the entry does not hold it. */
  ServerFrame.Push push(String to, AsideStore bodies);

  /** How many characters of strings its push carries, at most ({@link peerlink.protocol.PageLimits#weight}), without reading a body. */
  int weight(String to);

  /** A state change of a message the peer sent: small, and kept as the push itself. */
  record Notice(ServerFrame.Push notice) implements InboxItem {
    @Override
    public long seq() {
      return notice.seq();
    }

    @Override
    public ServerFrame.Push push(String to, AsideStore bodies) {
      return notice;
    }

    @Override
    public int weight(String to) {
      return peerlink.protocol.PageLimits.weight(notice);
    }
  }
}
