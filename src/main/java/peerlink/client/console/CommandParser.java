package peerlink.client.console;

import java.util.Locale;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ProtocolException;

/** Parses console lines; command words are case-insensitive, the message is the rest of the line as typed. */
final class CommandParser {
  static final String HELP =
      """
      Commands (case-insensitive):
        REGISTER [<invitation>]       claim this console's peer ID with its key (with an operator's
                                      invitation token where the router registers by invitation)
        SEND_MSG <receiver> <message> send to a peer ID or a group name; the message is the rest of the line
        SEND_TTL <seconds> <receiver> <message>
                                      send as SEND_MSG; recipients that have not acknowledged it within
                                      <seconds> never get it, and you see EXPIRED for them
        CREATE_GROUP <name> [private] create a group; you own it and are its first member;
                                      a private one is hidden from others and joined by invitation
        JOIN_GROUP <name>             join a group (a private one once you are invited)
        LEAVE_GROUP <name>            leave a group
        GROUPS                        list the groups you can see
        MEMBERS <group>               list a group's members and its owner
        STATUS <message-id>           show the state of a message you sent
        BLOCK <peer>                  refuse a peer's messages to you (direct and in groups)
        UNBLOCK <peer>                accept them again
      As a group's owner:
        INVITE <group> <peer>         let a peer join your private group (it then types JOIN_GROUP)
        REMOVE <group> <peer>         take a member out (or withdraw an invitation)
        BAN <group> <peer>            take a peer out and keep it out
        UNBAN <group> <peer>          let a banned peer back
        GIVE_GROUP <group> <peer>     make a member the owner instead of you
        DELETE_GROUP <group>          delete the group (messages already sent are still delivered)
        HELP                          this text
        QUIT                          wait for pending sends, then exit""";

  private CommandParser() {}

  static ConsoleCommand parse(String line) {
    String trimmed = line.strip();
    if (trimmed.isEmpty()) {
      return new ConsoleCommand.Nothing();
    }
    String[] words = trimmed.split("\\s+", 2);
    String word = words[0].toUpperCase(Locale.ROOT);
    String rest = words.length > 1 ? words[1] : "";
    return switch (word) {
      case "REGISTER" -> new ConsoleCommand.Register(rest.isBlank() ? null : single(word, rest, "[<invitation>]"));
      case "SEND_MSG", "SEND" -> sendMsg(word, rest);
      case "SEND_TTL" -> sendWithTtl(word, rest);
      case "CREATE_GROUP" -> createGroup(word, rest);
      case "JOIN_GROUP" -> new ConsoleCommand.JoinGroup(single(word, rest, "<name>"));
      case "LEAVE_GROUP" -> new ConsoleCommand.LeaveGroup(single(word, rest, "<name>"));
      case "GROUPS" -> new ConsoleCommand.Groups();
      case "MEMBERS" -> new ConsoleCommand.Members(single(word, rest, "<group>"));
      case "STATUS" -> new ConsoleCommand.Status(single(word, rest, "<message-id>"));
      case "INVITE", "REMOVE", "BAN", "UNBAN", "GIVE_GROUP" -> moderate(word, rest);
      case "DELETE_GROUP" -> new ConsoleCommand.DeleteGroup(single(word, rest, "<group>"));
      case "BLOCK" -> new ConsoleCommand.Block(single(word, rest, "<peer>"));
      case "UNBLOCK" -> new ConsoleCommand.Unblock(single(word, rest, "<peer>"));
      case "HELP", "?" -> new ConsoleCommand.Help();
      case "QUIT", "EXIT" -> new ConsoleCommand.Quit();
      default -> throw new ProtocolException(ErrorCode.UNKNOWN_COMMAND, "Unknown command '" + words[0] + "'; type HELP for the list.");
    };
  }

  /** The canonical command word of a line, for error reports. */
  static String commandWord(String line) {
    String trimmed = line.strip();
    return trimmed.isEmpty() ? "" : trimmed.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
  }

  private static ConsoleCommand sendMsg(String word, String rest) {
    String[] parts = rest.split("\\s+", 2);
    if (parts.length < 2 || parts[0].isEmpty() || parts[1].isBlank()) {
      throw missing(word, "<receiver> <message>");
    }
    return new ConsoleCommand.SendMsg(parts[0], parts[1], null);
  }

  private static ConsoleCommand sendWithTtl(String word, String rest) {
    String[] parts = rest.strip().split("\\s+", 2);
    if (parts.length < 2 || !parts[0].matches("[0-9]{1,9}") || Integer.parseInt(parts[0]) < 1) {
      throw missing(word, "<seconds> <receiver> <message> (seconds: a whole number, at least 1)");
    }
    ConsoleCommand.SendMsg send = (ConsoleCommand.SendMsg) sendMsg(word, parts[1]);
    return new ConsoleCommand.SendMsg(send.receiver(), send.body(), java.time.Duration.ofSeconds(Integer.parseInt(parts[0])));
  }

  /** {@code CREATE_GROUP <name>}, {@code CREATE_GROUP <name> private} or {@code ... public} (the default). */
  private static ConsoleCommand createGroup(String word, String rest) {
    String[] parts = words(rest);
    if (parts.length == 0) {
      throw missing(word, "<name> [private]");
    }
    String kind = parts.length > 1 ? parts[1].toLowerCase(Locale.ROOT) : "public";
    if (parts.length > 2 || !(kind.equals("private") || kind.equals("public"))) {
      throw new ProtocolException(ErrorCode.MISSING_ARGUMENT, "Usage: " + word + " <name> [private]; the second word may be private or public only.");
    }
    return new ConsoleCommand.CreateGroup(parts[0], kind.equals("private"));
  }

  /** An owner's command: a group and a peer. */
  private static ConsoleCommand moderate(String word, String rest) {
    String[] parts = words(rest);
    if (parts.length < 2) {
      throw missing(word, "<group> <peer>");
    }
    if (parts.length > 2) {
      throw new ProtocolException(ErrorCode.MISSING_ARGUMENT, word + " takes two arguments: " + word + " <group> <peer>.");
    }
    return new ConsoleCommand.Moderate(ConsoleCommand.Action.valueOf(word), parts[0], parts[1]);
  }

  private static String[] words(String rest) {
    String stripped = rest.strip();
    return stripped.isEmpty() ? new String[0] : stripped.split("\\s+");
  }

  private static String single(String word, String rest, String what) {
    String[] parts = rest.strip().split("\\s+");
    if (parts.length == 0 || parts[0].isEmpty()) {
      throw missing(word, what);
    }
    if (parts.length > 1) {
      throw new ProtocolException(ErrorCode.MISSING_ARGUMENT, word + " takes one argument: " + word + " " + what + ".");
    }
    return parts[0];
  }

  private static ProtocolException missing(String word, String what) {
    return new ProtocolException(ErrorCode.MISSING_ARGUMENT, "Usage: " + word + " " + what + ".");
  }
}
