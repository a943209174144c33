package peerlink.router;

import java.util.List;

/** What the registry journals. Each event is a fact already validated; applying it cannot fail. */
public sealed interface RouterEvent extends CborSerializable {

  record PeerRegistered(String peer, String publicKey, long at) implements RouterEvent {}

  /** The creator becomes the first member. */
  record GroupCreated(String group, String creator, long at) implements RouterEvent {}

  record GroupJoined(String group, String peer) implements RouterEvent {}

  record GroupLeft(String group, String peer) implements RouterEvent {}

  /**
   * A message accepted for delivery: it goes into every recipient's inbox under the next sequence number.
   * {@code group} is null for a direct message; {@code clientId} is the sender's idempotency key.
   * {@code receipts} is {@code false} when the sender asked for no {@code delivered} pushes, else null (so
   * events journaled before the field existed read as "with receipts"). {@code rejected} lists the group
   * members the registry refused it for (their inbox was full, decided when it was accepted, so a replay
   * does not decide again); null when none, as in every event journaled before the field existed.
   */
  record MessageAccepted(
      String msgId, String clientId, String from, String to, String group, List<String> recipients, String body, long at, Boolean receipts,
      List<String> rejected)
      implements RouterEvent {

    /** A message whose sender gets a {@code delivered} push per recipient. */
    public MessageAccepted(String msgId, String clientId, String from, String to, String group, List<String> recipients, String body, long at) {
      this(msgId, clientId, from, to, group, recipients, body, at, null, null);
    }

    /** A message rejected for no recipient. */
    public MessageAccepted(
        String msgId, String clientId, String from, String to, String group, List<String> recipients, String body, long at, Boolean receipts) {
      this(msgId, clientId, from, to, group, recipients, body, at, receipts, null);
    }
  }

  /** The peer has every push up to and including {@code upTo}; acknowledged messages become DELIVERED. */
  record InboxAcked(String peer, long upTo) implements RouterEvent {}
}
