package peerlink.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * Frames the router sends to a client: the greeting, one reply per request, and pushes. Pushes
 * ({@link Message}, {@link Delivered}) carry a per-peer sequence number that the client acknowledges.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ServerFrame.Welcome.class, name = "welcome"),
  @JsonSubTypes.Type(value = ServerFrame.Ok.class, name = "ok"),
  @JsonSubTypes.Type(value = ServerFrame.Error.class, name = "error"),
  @JsonSubTypes.Type(value = ServerFrame.GroupList.class, name = "group_list"),
  @JsonSubTypes.Type(value = ServerFrame.MemberList.class, name = "member_list"),
  @JsonSubTypes.Type(value = ServerFrame.MessageStatus.class, name = "message_status"),
  @JsonSubTypes.Type(value = ServerFrame.Message.class, name = "message"),
  @JsonSubTypes.Type(value = ServerFrame.Delivered.class, name = "delivered"),
  @JsonSubTypes.Type(value = ServerFrame.Expired.class, name = "expired"),
})
public sealed interface ServerFrame {

  /** The one answer to a client request, carrying the request's id (absent for errors about unreadable frames). */
  sealed interface Reply extends ServerFrame {
    String id();
  }

  /** First frame on every connection: the versions spoken and the nonce to sign. */
  record Welcome(List<Integer> versions, String nonce, String server) implements ServerFrame {}

  /**
   * Success. For {@code send}: the router-assigned {@code msgId}, {@code state} ("SENT" or later when the id
   * was a duplicate), the number of {@code recipients}, {@code duplicate}, and the group members it was
   * {@code rejected} for (absent when none). For register and login: {@code peer} and {@code lastSeq}, the
   * highest sequence number the router has pushed to this peer.
   */
  record Ok(
      String id, String peer, Long lastSeq, String msgId, String state, Integer recipients, Boolean duplicate, List<Rejection> rejected)
      implements Reply {
    public Ok(String id, String peer, Long lastSeq, String msgId, String state, Integer recipients, Boolean duplicate) {
      this(id, peer, lastSeq, msgId, state, recipients, duplicate, null);
    }

    public static Ok plain(String id) {
      return new Ok(id, null, null, null, null, null, null);
    }

    public static Ok authenticated(String id, String peer, long lastSeq) {
      return new Ok(id, peer, lastSeq, null, null, null, null);
    }

    public static Ok sent(String id, String msgId, String state, int recipients, boolean duplicate) {
      return sent(id, msgId, state, recipients, duplicate, List.of());
    }

    /** A send's answer; {@code rejected} the members it was REJECTED for (left out of the frame when empty). */
    public static Ok sent(String id, String msgId, String state, int recipients, boolean duplicate, List<Rejection> rejected) {
      return new Ok(id, null, null, msgId, state, recipients, duplicate ? Boolean.TRUE : null, rejected.isEmpty() ? null : List.copyOf(rejected));
    }
  }

  /**
   * A recipient a message was REJECTED for: {@code code} says why (INBOX_FULL, or BLOCKED when the recipient
   * blocked the sender) and {@code message} in a sentence for people ("bob's inbox is full ...").
   */
  record Rejection(String peer, String code, String message) {}

  /** A refused frame or request; {@code id} is absent when the frame could not be read. */
  record Error(String id, String code, String message) implements Reply {
    public static Error of(String id, ProtocolException e) {
      return new Error(id, e.code().name(), e.getMessage());
    }
  }

  /** A page of groups, sorted by name; {@code next} (absent on the last page) is the {@code after} of the next page. */
  record GroupList(String id, List<GroupInfo> groups, String next) implements Reply {
    public GroupList(String id, List<GroupInfo> groups) {
      this(id, groups, null);
    }
  }

  /**
   * One group of a {@code group_list}: its member count and whether the asker is a member. {@code private}
   * is {@code true} for a private group and absent for a public one; {@code invited} is {@code true} when
   * the asker may join the private group on an invitation, else absent. A private group is listed only to
   * its members, its owner and the peers it invited, so a client that never creates one sees only the
   * three fields of old.
   */
  @JsonPropertyOrder({"name", "members", "member", "private", "invited"})
  record GroupInfo(String name, int members, boolean member, @JsonProperty("private") Boolean privateGroup, Boolean invited) {
    public GroupInfo(String name, int members, boolean member) {
      this(name, members, member, null, null);
    }
  }

  /**
   * A page of a group's members, sorted; {@code next} (absent on the last page) is the {@code after} of the
   * next page; {@code owner} the group's owner (who may not be a member: an owner may leave).
   */
  @JsonPropertyOrder({"id", "group", "owner", "members", "next"})
  record MemberList(String id, String group, List<String> members, String next, String owner) implements Reply {
    public MemberList(String id, String group, List<String> members) {
      this(id, group, members, null, null);
    }

    public MemberList(String id, String group, List<String> members, String next) {
      this(id, group, members, next, null);
    }
  }

  /**
   * The state of a sent message: SENT until every recipient has it, then DELIVERED; {@code rejected} lists
   * the group members it was REJECTED for (absent when none), who are not among {@code recipients};
   * {@code expired} the recipients whose time ran out before they acknowledged it (absent when none). When
   * no recipient waits any more and some expired, the state is EXPIRED.
   */
  record MessageStatus(
      String id, String msgId, String state, List<String> recipients, List<String> delivered, List<Rejection> rejected, List<String> expired)
      implements Reply {
    public MessageStatus(String id, String msgId, String state, List<String> recipients, List<String> delivered) {
      this(id, msgId, state, recipients, delivered, null, null);
    }

    public MessageStatus(String id, String msgId, String state, List<String> recipients, List<String> delivered, List<Rejection> rejected) {
      this(id, msgId, state, recipients, delivered, rejected, null);
    }
  }

  /** A frame pushed to a peer under its own sequence number; the peer acknowledges pushes cumulatively. */
  @JsonSubTypes({
    @JsonSubTypes.Type(value = ServerFrame.Message.class, name = "message"),
    @JsonSubTypes.Type(value = ServerFrame.Delivered.class, name = "delivered"),
    @JsonSubTypes.Type(value = ServerFrame.Expired.class, name = "expired"),
  })
  sealed interface Push extends ServerFrame {
    long seq();
  }

  /** A pushed message; {@code group} is set for group messages, where {@code to} is the receiving member. */
  record Message(long seq, String msgId, String from, String to, String group, String body, long sentAt)
      implements Push {}

  /** A pushed state change of a message this peer sent: {@code recipient} has acknowledged it. */
  record Delivered(long seq, String msgId, String recipient, int deliveredCount, int recipientCount)
      implements Push {}

  /**
   * A pushed state change of a message this peer sent: its time-to-live ran out before {@code recipient}
   * acknowledged it, so that recipient will never get it (EXPIRED); {@code expiredCount} of the
   * {@code recipientCount} recipients have expired so far.
   */
  record Expired(long seq, String msgId, String recipient, int expiredCount, int recipientCount)
      implements Push {}
}
