package peerlink.router;

import java.util.List;
import peerlink.protocol.ServerFrame;

/**
 * What the router sends to a peer's session actor, often on another node. Every one is bounded by
 * {@link peerlink.protocol.PageLimits}, whatever the peer's backlog: a backlog comes one page at a time, as
 * the session asks for it, and a long reply comes in parts.
 */
public sealed interface ToSession extends CborSerializable {

  /** The reply to one request, or an error about a frame. */
  record Reply(ServerFrame frame) implements ToSession {}

  /**
   * One part of a reply too long for one message between nodes, as JSON text: the session writes the
   * parts of {@code id}, joined, as one frame once the {@code last} has come.
   */
  record ReplyPart(String id, String json, boolean last) implements ToSession {}

  /**
   * Authentication succeeded: the reply (its {@code lastSeq} says how far the peer's pushes go), then the
   * first page of the pushes the client is missing, oldest first.
   */
  record Attached(String peer, ServerFrame.Ok reply, List<ServerFrame.Push> backlog) implements ToSession {}

  /** Re-attached to a new router instance: the first page after the session's last push; the router has pushes up to {@code lastSeq}. */
  record Resumed(String peer, long lastSeq, List<ServerFrame.Push> backlog) implements ToSession {}

  /**
   * The resume's proof of login did not verify with the peer's registered key: the router did not attach
   * this session, and it must close its connection (the client logs in afresh).
   */
  record ResumeRefused(String peer) implements ToSession {}

  /** The page a session asked for ({@link RouterCommand.FetchPushes}); empty when the inbox has nothing after it. */
  record Page(long lastSeq, List<ServerFrame.Push> pushes) implements ToSession {}

  /** New pushes for the session's peer, in sequence order, as they are made; a long run of them comes as several. */
  record Pushed(List<ServerFrame.Push> pushes) implements ToSession {}

  /** The same peer authenticated on another connection; this session must close. */
  record Replaced() implements ToSession {}
}
