package peerlink.session;

/** What a session writes to its connection: a text frame, or the end of the connection. */
public sealed interface Outgoing {
  record Text(String json) implements Outgoing {}

  record Close() implements Outgoing {}
}
