package peerlink.client.console;

import java.util.List;
import java.util.function.Consumer;
import peerlink.protocol.ServerFrame;

/** Readable lines for a person; printed above the prompt so the line being typed is not garbled. */
final class HumanOutput implements ConsoleOutput {
  private final Consumer<String> printAbove;

  HumanOutput(Consumer<String> printAbove) {
    this.printAbove = printAbove;
  }

  @Override
  public void ok(String command, String detail) {
    print("OK " + command + (detail == null ? "" : ": " + detail));
  }

  @Override
  public void sent(String msgId, String receiver, int recipients, boolean duplicate) {
    print("[" + msgId + "] SENT to " + receiver + (recipients == 1 ? "" : " (" + recipients + " recipients)") + (duplicate ? " (already sent)" : ""));
  }

  @Override
  public void error(String command, String code, String message) {
    print("ERROR " + code + (command.isEmpty() ? "" : " (" + command + ")") + ": " + message);
  }

  @Override
  public void rejected(String msgId, String recipient, String code, String message) {
    print((msgId == null ? "" : "[" + msgId + "] ") + "REJECTED for " + recipient + ": " + message);
  }

  @Override
  public void message(ServerFrame.Message m) {
    print((m.group() == null ? m.from() : m.from() + " @" + m.group()) + ": " + m.body() + "   [" + m.msgId() + "]");
  }

  @Override
  public void delivered(ServerFrame.Delivered d) {
    String progress = d.recipientCount() == 1 ? "" : " (delivered " + d.deliveredCount() + "/" + d.recipientCount() + ")";
    print("[" + d.msgId() + "] DELIVERED to " + d.recipient() + progress);
  }

  @Override
  public void expired(ServerFrame.Expired x) {
    String progress = x.recipientCount() == 1 ? "" : " (expired " + x.expiredCount() + "/" + x.recipientCount() + ")";
    print("[" + x.msgId() + "] EXPIRED for " + x.recipient() + ": its time-to-live ran out before it was delivered" + progress);
  }

  @Override
  public void status(ServerFrame.MessageStatus s) {
    print("[" + s.msgId() + "] " + s.state() + ": delivered to " + s.delivered().size() + " of " + s.recipients().size() + " " + s.recipients()
        + (s.delivered().isEmpty() ? "" : ", delivered to " + s.delivered())
        + (s.expired() == null ? "" : ", EXPIRED for " + s.expired()));
    if (s.rejected() != null) {
      s.rejected().forEach(r -> rejected(s.msgId(), r.peer(), r.code(), r.message()));
    }
  }

  @Override
  public void groups(List<ServerFrame.GroupInfo> groups) {
    if (groups.isEmpty()) {
      print("No groups yet.");
    }
    groups.forEach(g -> print("  " + g.name() + " (" + g.members() + (g.members() == 1 ? " member" : " members")
        + (Boolean.TRUE.equals(g.privateGroup()) ? ", private" : "")
        + (g.member() ? ", you are a member)" : Boolean.TRUE.equals(g.invited()) ? ", you are invited: JOIN_GROUP " + g.name() + ")" : ")")));
  }

  @Override
  public void members(String group, String owner, List<String> members) {
    print(group + (owner == null ? "" : " (owner " + owner + ")") + ": " + (members.isEmpty() ? "no members" : String.join(", ", members)));
  }

  @Override
  public void connected(String server, String peer) {
    print("Connected to " + server + " as " + peer + ".");
  }

  @Override
  public void disconnected(String server, String reason) {
    print("Disconnected from " + server + " (" + reason + "); reconnecting...");
  }

  @Override
  public void notice(String code, String message) {
    print("NOTICE " + code + ": " + message);
  }

  @Override
  public void help(String text) {
    print(text);
  }

  private void print(String line) {
    printAbove.accept(line);
  }
}
