package peerlink.client.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import peerlink.protocol.FrameCodec;
import peerlink.protocol.ServerFrame;

/** --json: one JSON object per line for every event, for scripts and tests. */
final class JsonOutput implements ConsoleOutput {
  private final Consumer<String> lines;

  JsonOutput(Consumer<String> lines) {
    this.lines = lines;
  }

  @Override
  public void ok(String command, String detail) {
    ObjectNode event = event("ok").put("command", command);
    if (detail != null) event.put("detail", detail);
    print(event);
  }

  @Override
  public void sent(String msgId, String receiver, int recipients, boolean duplicate) {
    ObjectNode ok = event("ok").put("command", "SEND_MSG").put("msgId", msgId).put("to", receiver).put("recipients", recipients);
    if (duplicate) ok.put("duplicate", true);
    print(ok);
    print(event("status").put("msgId", msgId).put("state", "SENT"));
  }

  @Override
  public void error(String command, String code, String message) {
    print(event("error").put("command", command).put("code", code).put("message", message));
  }

  /** A REJECTED member as a status event, like DELIVERED; a whole refused send is its command's error event. */
  @Override
  public void rejected(String msgId, String recipient, String code, String message) {
    if (msgId == null) {
      print(event("error").put("command", "SEND_MSG").put("code", code).put("message", message).put("state", "REJECTED").put("recipient", recipient));
    } else {
      print(event("status").put("msgId", msgId).put("state", "REJECTED").put("recipient", recipient).put("code", code).put("message", message));
    }
  }

  @Override
  public void message(ServerFrame.Message m) {
    ObjectNode event = event("message").put("msgId", m.msgId()).put("from", m.from()).put("to", m.to());
    if (m.group() != null) event.put("group", m.group());
    print(event.put("body", m.body()).put("sentAt", m.sentAt()));
  }

  @Override
  public void delivered(ServerFrame.Delivered d) {
    print(
        event("status")
            .put("msgId", d.msgId())
            .put("state", "DELIVERED")
            .put("recipient", d.recipient())
            .put("delivered", d.deliveredCount())
            .put("of", d.recipientCount()));
  }

  @Override
  public void expired(ServerFrame.Expired x) {
    print(
        event("status")
            .put("msgId", x.msgId())
            .put("state", "EXPIRED")
            .put("recipient", x.recipient())
            .put("expired", x.expiredCount())
            .put("of", x.recipientCount()));
  }

  @Override
  public void status(ServerFrame.MessageStatus s) {
    ObjectNode event = event("ok").put("command", "STATUS").put("msgId", s.msgId()).put("state", s.state());
    s.recipients().forEach(event.putArray("recipients")::add);
    ArrayNode delivered = event.putArray("delivered");
    s.delivered().forEach(delivered::add);
    if (s.rejected() != null) {
      ArrayNode rejected = event.putArray("rejected");
      s.rejected().forEach(r -> rejected.addObject().put("peer", r.peer()).put("code", r.code()).put("message", r.message()));
    }
    print(event);
  }

  @Override
  public void groups(List<ServerFrame.GroupInfo> groups) {
    ObjectNode event = event("ok").put("command", "GROUPS");
    ArrayNode list = event.putArray("groups");
    groups.forEach(g -> {
      ObjectNode entry = list.addObject().put("name", g.name()).put("members", g.members()).put("member", g.member());
      if (g.privateGroup() != null) entry.put("private", g.privateGroup());
      if (g.invited() != null) entry.put("invited", g.invited());
    });
    print(event);
  }

  @Override
  public void members(String group, String owner, List<String> members) {
    ObjectNode event = event("ok").put("command", "MEMBERS").put("group", group);
    if (owner != null) event.put("owner", owner);
    members.forEach(event.putArray("members")::add);
    print(event);
  }

  @Override
  public void connected(String server, String peer) {
    print(event("connected").put("server", server).put("peer", peer));
  }

  @Override
  public void disconnected(String server, String reason) {
    print(event("disconnected").put("server", server).put("reason", reason));
  }

  @Override
  public void notice(String code, String message) {
    print(event("notice").put("code", code).put("message", message));
  }

  @Override
  public void help(String text) {
    print(event("ok").put("command", "HELP").put("detail", text));
  }

  private static ObjectNode event(String name) {
    return FrameCodec.mapper().createObjectNode().put("event", name);
  }

  private void print(ObjectNode event) {
    lines.accept(event.toString());
  }
}
