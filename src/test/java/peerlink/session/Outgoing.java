package peerlink.session;

import org.apache.pekko.actor.typed.ActorRef;

/** What a session under test wrote to its connection, as messages a test probe can expect. */
sealed interface Outgoing {
  record Text(String json) implements Outgoing {}

  record Close() implements Outgoing {}

  /** A connection that hands everything the session writes to {@code probe}. */
  static ClientLink to(ActorRef<Outgoing> probe) {
    return new ClientLink() {
      @Override
      public void send(String text) {
        probe.tell(new Text(text));
      }

      @Override
      public void close() {
        probe.tell(new Close());
      }
    };
  }
}
