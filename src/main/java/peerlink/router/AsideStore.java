package peerlink.router;

import peerlink.checkpoint.SentId;

/**
 * What the registry keeps beside the journal and reads back from there: the bodies of the messages waiting in
 * inboxes, the client ids of each sender's recent sends, and the records of its recently delivered messages.
 * They are in the store beside the journal (the node's own event log, which the journal writes them to with
 * the events that accept or settle the messages), or, with a journal that keeps nothing aside (the in-memory
 * one of the unit tests), in the events and so in the registry's state.
 */
public interface AsideStore {
  /** Everything stays in the events and the registry's state; nothing is read from a store. */
  AsideStore NONE = new AsideStore() {
    @Override
    public boolean keptAside() {
      return false;
    }

    @Override
    public String read(long number) {
      throw new IllegalStateException("message m" + number + " has no body in its inbox entry, and this registry keeps no bodies aside");
    }
  };

  /** A body just written to the store with its message: one a session will likely ask for soon. */
  default void written(long number, String body) {}

  /** A body just dropped from the store with its settled message. */
  default void dropped(long number) {}

  /** Whether new messages' bodies, client ids and delivered records are stored beside the journal (and left out of the heap). */
  boolean keptAside();

  /**
   * The stored body of the message with this number.
   *
   * @throws IllegalStateException when the store has none: a message accepted and not settled always has one
   */
  String read(long number);

  /** The client id {@code sender} gave a message, kept in the store and not forgotten yet; null when none (and by default). */
  default SentId sentId(String sender, String clientId) {
    return null;
  }

  /**
   * The client ids {@code sender} gave messages that start with {@code prefix}, kept in the store and not
   * forgotten yet: at most {@code limit}, and one more when there are more (none by default).
   */
  default java.util.List<String> sentIdsStartingWith(String sender, String prefix, int limit) {
    return java.util.List.of();
  }

  /** The record of {@code sender}'s delivered message {@code number}, kept in the store and not forgotten yet; null when none (and by default). */
  default MessageRecord keptRecord(String sender, long number) {
    return null;
  }
}
