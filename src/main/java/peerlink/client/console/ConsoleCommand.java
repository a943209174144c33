package peerlink.client.console;

/** A line typed in the console, parsed. Names are the seed's command words. */
sealed interface ConsoleCommand {
  record Register() implements ConsoleCommand {}

  record SendMsg(String receiver, String body) implements ConsoleCommand {}

  record CreateGroup(String group) implements ConsoleCommand {}

  record JoinGroup(String group) implements ConsoleCommand {}

  record LeaveGroup(String group) implements ConsoleCommand {}

  record Groups() implements ConsoleCommand {}

  record Members(String group) implements ConsoleCommand {}

  record Status(String msgId) implements ConsoleCommand {}

  record Help() implements ConsoleCommand {}

  record Quit() implements ConsoleCommand {}

  /** A blank line: nothing to do. */
  record Nothing() implements ConsoleCommand {}
}
