package peerlink.router;

/**
 * Where the registry finds the bodies of the messages waiting in inboxes: in the store beside the journal
 * (the node's own event log, which the journal writes them to with the events that accept them), or, with
 * a journal that keeps nothing aside (the in-memory one of the unit tests), in the events and so in the
 * inboxes themselves.
 */
public interface MessageBodies {
  /** Bodies stay in the events and the inboxes; nothing is read from a store. */
  MessageBodies IN_EVENTS = new MessageBodies() {
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

  /** Whether new messages' bodies are stored beside the journal (and left out of the heap). */
  boolean keptAside();

  /**
   * The stored body of the message with this number.
   *
   * @throws IllegalStateException when the store has none: a message accepted and not settled always has one
   */
  String read(long number);
}
