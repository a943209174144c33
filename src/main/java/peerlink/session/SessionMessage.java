package peerlink.session;

import org.apache.pekko.actor.typed.ActorRef;
import peerlink.router.RouterCommand;
import peerlink.router.ToSession;

/** What a session actor handles: the client's frames, the router's answers, and its own timers. */
public sealed interface SessionMessage {

  /** A text frame from the client, not yet parsed. */
  record FromClient(String text) implements SessionMessage {}

  /** The client closed the connection, or it failed. */
  record ClientGone() implements SessionMessage {}

  record FromRouter(ToSession message) implements SessionMessage {}

  /** The router instance in charge when this session started. */
  record RouterKnown(ActorRef<RouterCommand> router) implements SessionMessage {}

  /** The router instance this session follows has stopped (its node left): hold requests until the next one. */
  record RouterLost(ActorRef<RouterCommand> router) implements SessionMessage {}

  /** A new router instance started (a failover): re-attach to it and resend what it never answered. */
  record RouterRestarted(ActorRef<RouterCommand> router) implements SessionMessage {}

  /** Write the frames batched so far (queued behind the messages that were waiting when the first was added). */
  record Flush() implements SessionMessage {}

  /** The time a client held for its errors had to wait is over (ErrorPace). */
  record ErrorsForgiven() implements SessionMessage {}

  /** The page of pushes (or the resume) this session asked for did not come in time. */
  record PageOverdue() implements SessionMessage {}

  /** A permit of the node's request budget was given back while requests waited here for one. */
  record PermitFree() implements SessionMessage {}

  /** The router did not answer request {@code id} in time. */
  record RequestTimedOut(String id) implements SessionMessage {}
}
