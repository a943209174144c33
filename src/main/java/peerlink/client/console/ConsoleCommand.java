package peerlink.client.console;

/** A line typed in the console, parsed. Names are the seed's command words. */
sealed interface ConsoleCommand {
  /** {@code invitation}: the operator's token, or null for a router open to all. */
  record Register(String invitation) implements ConsoleCommand {}

  /** {@code ttl}: the time-to-live asked for (SEND_TTL), or null for the router's default. */
  record SendMsg(String receiver, String body, java.time.Duration ttl) implements ConsoleCommand {}

  record CreateGroup(String group, boolean privateGroup) implements ConsoleCommand {}

  record JoinGroup(String group) implements ConsoleCommand {}

  record LeaveGroup(String group) implements ConsoleCommand {}

  record Groups() implements ConsoleCommand {}

  record Members(String group) implements ConsoleCommand {}

  record Status(String msgId) implements ConsoleCommand {}

  /** What a group's owner does to a peer: INVITE, REMOVE, BAN, UNBAN, GIVE_GROUP. */
  record Moderate(Action action, String group, String peer) implements ConsoleCommand {}

  enum Action { INVITE, REMOVE, BAN, UNBAN, GIVE_GROUP }

  record DeleteGroup(String group) implements ConsoleCommand {}

  record Block(String peer) implements ConsoleCommand {}

  record Unblock(String peer) implements ConsoleCommand {}

  record Help() implements ConsoleCommand {}

  record Quit() implements ConsoleCommand {}

  /** A blank line: nothing to do. */
  record Nothing() implements ConsoleCommand {}
}
