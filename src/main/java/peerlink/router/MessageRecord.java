package peerlink.router;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** What the router remembers of a sent message so its sender can follow its state. */
public final class MessageRecord {
  @JsonProperty private String from;
  @JsonProperty private String to;
  @JsonProperty private List<String> recipients;
  @JsonProperty private LinkedHashSet<String> delivered = new LinkedHashSet<>();

  private MessageRecord() {}

  MessageRecord(String from, String to, List<String> recipients) {
    this.from = from;
    this.to = to;
    this.recipients = List.copyOf(recipients);
  }

  MessageRecord copy() {
    MessageRecord copy = new MessageRecord(from, to, recipients);
    copy.delivered = new LinkedHashSet<>(delivered);
    return copy;
  }

  public String from() {
    return from;
  }

  public String to() {
    return to;
  }

  public List<String> recipients() {
    return recipients;
  }

  public List<String> delivered() {
    return new ArrayList<>(delivered);
  }

  /** SENT until every recipient has acknowledged it; a message with no recipients stays SENT. */
  public MessageState state() {
    return !recipients.isEmpty() && delivered.size() == recipients.size() ? MessageState.DELIVERED : MessageState.SENT;
  }

  void markDelivered(String recipient) {
    delivered.add(recipient);
  }

  int deliveredCount() {
    return delivered.size();
  }
}
