package peerlink.session;

import peerlink.router.ToSession;

/** What a session actor handles: the client's frames, the router's answers, and its own timers. */
public sealed interface SessionMessage {

  /** A text frame from the client, not yet parsed. */
  record FromClient(String text) implements SessionMessage {}

  /** The client closed the connection, or it failed. */
  record ClientGone() implements SessionMessage {}

  record FromRouter(ToSession message) implements SessionMessage {}

  /** A new router instance started (a failover): re-attach to it and resend what it never answered. */
  record RouterRestarted() implements SessionMessage {}

  /** The router did not answer request {@code id} in time. */
  record RequestTimedOut(String id) implements SessionMessage {}
}
