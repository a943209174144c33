package peerlink.router;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import peerlink.protocol.PageLimits;
import peerlink.protocol.ServerFrame;

/**
 * What the registry keeps in its heap of a message waiting in one recipient's inbox: a small entry of ids,
 * sequence number, time and size. The body is in the store beside the journal, written once for all the
 * message's recipients and read back when the message is pushed; {@code body} holds it only for a message
 * accepted before bodies went aside (or with a journal that keeps nothing aside), whose body is nowhere else.
 *
 * <p>A checkpoint holds one per queued message, so it is written as an array of its fields, without their names
 * (about 40 bytes less per message; checkpoints are read back at every failover and restart).
 *
 * @param bodyBytes the body's UTF-8 length: what the inbox quota counts, and at least its length in characters
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"seq", "msgId", "from", "group", "sentAt", "bodyBytes", "body"})
record QueuedMessage(long seq, String msgId, String from, String group, long sentAt, int bodyBytes, String body) implements InboxItem {

  /** The entry of a message pushed as it is (the form checkpoints had before bodies went aside): the body stays in it. */
  static QueuedMessage holding(ServerFrame.Message m) {
    return new QueuedMessage(m.seq(), m.msgId(), m.from(), m.group(), m.sentAt(), (int) Quotas.utf8Length(m.body()), m.body());
  }

  @Override
  public ServerFrame.Push push(String to, AsideStore bodies) {
    return new ServerFrame.Message(seq, msgId, from, to, group, body != null ? body : bodies.read(MessageIds.numberOrThrow(msgId)), sentAt);
  }

  @Override
  public int weight(String to) {
    return PageLimits.messageWeight(bodyBytes, msgId, from, to, group); // UTF-8 bytes bound the characters
  }
}
