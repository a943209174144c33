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

  /** The connection's peer proved its key: the connection may stay beyond the login deadline. */
  default void authenticated() {}

  /**
   * A login (or registration) is with the router ({@code true}) or was refused ({@code false}). While one is,
   * the login deadline waits: closing the connection then would leave the login to be carried out later
   * for a session that is gone, after the client logged in again elsewhere, and that late login would
   * replace the client's new session (the router queues requests while it recovers).
   */
  default void loginPending(boolean pending) {}

  /**
   * Stop reading the client ({@code true}) while the session cannot take more from it (too many requests in
   * flight), and start again ({@code false}); the client's own TCP window then slows it down.
   */
  default void holdInput(boolean hold) {}

  /** The client's IP address, as registrations are counted per source address; "unknown" when there is none (tests). */
  default String remoteAddress() {
    return "unknown";
  }

  /** The session has handled one message the connection handed it (the connection may read more). */
  default void taken() {}
}
