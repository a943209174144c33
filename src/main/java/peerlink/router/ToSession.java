package peerlink.router;

import java.util.List;
import peerlink.protocol.ServerFrame;

/** What the router sends to a peer's session actor. */
public sealed interface ToSession extends CborSerializable {

  /** The reply to one request, or an error about a frame. */
  record Reply(ServerFrame frame) implements ToSession {}

  /** Authentication succeeded: the reply, then every push the client is missing, oldest first. */
  record Attached(String peer, ServerFrame.Ok reply, List<ServerFrame.Push> backlog) implements ToSession {}

  /** Re-attached to a new router instance: every push after the session's acknowledged point. */
  record Resumed(String peer, List<ServerFrame.Push> backlog) implements ToSession {}

  /** New pushes for the session's peer, in sequence order. */
  record Pushed(List<ServerFrame.Push> pushes) implements ToSession {}

  /** The same peer authenticated on another connection; this session must close. */
  record Replaced() implements ToSession {}
}
