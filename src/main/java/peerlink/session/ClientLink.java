package peerlink.session;

/**
 * The session's end of its client's connection. The session calls it from its actor's thread; an
 * implementation hands the text to the socket without blocking.
 */
public interface ClientLink {
  /** Sends one WebSocket text message (a frame, or a version 2 batch of frames). */
  void send(String text);

  /** Closes the connection once what was sent before has been written; the session then gets ClientGone. */
  void close();
}
