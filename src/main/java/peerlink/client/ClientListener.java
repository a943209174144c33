package peerlink.client;

import peerlink.protocol.ErrorCode;
import peerlink.protocol.ServerFrame;

/**
 * Receives what the router pushes and what happens to the connection. Called on the client's actor
 * thread, one call at a time: return quickly and do not block.
 */
public interface ClientListener {
  /** A message for this peer; each is handed over once, in order, even across reconnects. */
  default void onMessage(ServerFrame.Message message) {}

  /** A recipient has acknowledged a message this peer sent. */
  default void onDelivered(ServerFrame.Delivered delivered) {}

  /** A message this peer sent with a time-to-live ran out before {@code recipient} acknowledged it (EXPIRED): it will never get it. */
  default void onExpired(ServerFrame.Expired expired) {}

  /** Connected and authenticated as {@code peer} on {@code server}. */
  default void onConnected(String server, String peer) {}

  default void onDisconnected(String server, String reason) {}

  /** Connected, but this peer has no key yet: it must register before anything else. */
  default void onNeedsRegistration(String server) {}

  /** An error not tied to a request: a failed login, the session replaced elsewhere, a refused ack. */
  default void onNotice(ErrorCode code, String message) {}
}
