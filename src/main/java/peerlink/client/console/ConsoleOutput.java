package peerlink.client.console;

import java.util.List;
import peerlink.protocol.ServerFrame;

/** Everything the console shows, in one place per format (human or --json). Thread-safe. */
interface ConsoleOutput {
  void ok(String command, String detail);

  void sent(String msgId, String receiver, int recipients, boolean duplicate);

  void error(String command, String code, String message);

  /**
   * A message REJECTED for {@code recipient} ({@code code}, and why in {@code message}): one member of a
   * group send ({@code msgId} set), or a whole send nobody could take ({@code msgId} null: no message exists).
   */
  void rejected(String msgId, String recipient, String code, String message);

  void message(ServerFrame.Message message);

  void delivered(ServerFrame.Delivered delivered);

  /** A message this peer sent EXPIRED for one recipient (its time-to-live ran out first). */
  void expired(ServerFrame.Expired expired);

  void status(ServerFrame.MessageStatus status);

  void groups(List<ServerFrame.GroupInfo> groups);

  /** A group's members and its owner (null from a server before owners). */
  void members(String group, String owner, List<String> members);

  void connected(String server, String peer);

  void disconnected(String server, String reason);

  /** A notice not tied to a command (e.g. login refused, session replaced, must register). */
  void notice(String code, String message);

  void help(String text);
}
