package peerlink.router;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import peerlink.checkpoint.KeptAside;
import peerlink.checkpoint.KeptRecord;
import peerlink.checkpoint.SentId;

/** What the registry journals. Each event is a fact already validated; applying it cannot fail. */
public sealed interface RouterEvent extends CborSerializable {

  /**
   * {@code invitation} is the id of the invitation it registered with, used up from now on; null when none
   * (an open router, and every event journaled before invitations existed).
   */
  record PeerRegistered(String peer, String publicKey, long at, String invitation) implements RouterEvent {
    public PeerRegistered(String peer, String publicKey, long at) {
      this(peer, publicKey, at, null);
    }
  }

  /**
   * The creator becomes the first member and the owner. {@code privateGroup} is {@code true} for a private
   * group, else null (so events journaled before private groups read as public).
   */
  record GroupCreated(String group, String creator, long at, Boolean privateGroup) implements RouterEvent {
    /** A public group. */
    public GroupCreated(String group, String creator, long at) {
      this(group, creator, at, null);
    }
  }

  /** {@code peer} becomes a member; an invitation it had is used up. */
  record GroupJoined(String group, String peer) implements RouterEvent {}

  record GroupLeft(String group, String peer) implements RouterEvent {}

  /** The owner invited {@code peer} to join the (private) group. */
  record GroupInvited(String group, String peer) implements RouterEvent {}

  /** The owner removed {@code peer}: no longer a member, its invitation withdrawn. */
  record GroupMemberRemoved(String group, String peer) implements RouterEvent {}

  /** The owner banned {@code peer}: removed, uninvited, and refused until unbanned. */
  record GroupBanned(String group, String peer) implements RouterEvent {}

  record GroupUnbanned(String group, String peer) implements RouterEvent {}

  /** The owner gave the group to {@code owner}, a member. */
  record GroupGiven(String group, String owner) implements RouterEvent {}

  /**
   * The owner deleted the group: its name is free again. Messages accepted for its members before are in
   * their inboxes already, and are delivered (and counted) as every other.
   */
  record GroupDeleted(String group) implements RouterEvent {}

  /** {@code peer} refuses messages from {@code blocked} from now on. */
  record PeerBlocked(String peer, String blocked) implements RouterEvent {}

  record PeerUnblocked(String peer, String blocked) implements RouterEvent {}

  /**
   * A message accepted for delivery: it goes into every recipient's inbox under the next sequence number.
   * {@code group} is null for a direct message; {@code clientId} is the sender's idempotency key.
   * {@code receipts} is {@code false} when the sender asked for no {@code delivered} pushes, else null (so
   * events journaled before the field existed read as "with receipts"). {@code rejected} lists the group
   * members the registry refused it for (their inbox was full, decided when it was accepted, so a replay
   * does not decide again); null when none, as in every event journaled before the field existed.
   * {@code blocked} lists the group members it was REJECTED for because they blocked the sender, in the
   * same way; null when none (and in every event journaled before blocking existed).
   * {@code expiresAt} is when its time-to-live runs out (the primary's clock, milliseconds since the
   * epoch); null for a message without one, as in every event journaled before the field existed.
   *
   * <p>Absent fields are left out of the journal and the replicated writes rather than written as nulls: they
   * are null for nearly every message, and each null costs its field name in CBOR (about 40 bytes of a 250-byte
   * event with all five). Reading treats an absent field as null, as for events journaled before it existed.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record MessageAccepted(
      String msgId, String clientId, String from, String to, String group, List<String> recipients, String body, long at, Boolean receipts,
      List<String> rejected, List<String> blocked, Long expiresAt, Integer asideBytes, Long sentPosition, String forgets, SendRun run)
      implements RouterEvent, KeptAside {

    /**
     * {@code asideBytes} is the body's UTF-8 length when the body is stored beside the journal under the
     * message's number (the store keeps it until the message settles, and the journal keeps this event without
     * it); null when the body is in the event, as in every event journaled before bodies went aside and with a
     * journal that keeps nothing aside.
     *
     * <p>{@code sentPosition} is the message's position among its sender's sends (0 for the first) when its
     * client id is kept beside the journal, found there by sender and id until the sender's window moves past
     * it; null when the registry's state keeps the id, as for every event journaled before ids went aside and
     * with a journal that keeps nothing aside. {@code forgets} is a kept client id the store deletes with this
     * send: null from the registry since the store forgets a sender's ids a window at a time
     * ({@link #sentIdsForgottenBefore}); a build up to {@code 5dd6573} set it in memory, and no journal has it.
     *
     * <p>{@code run} is the sender's {@link SendRun} after this send (null: none), as the registry decided it.
     */
    public MessageAccepted {}

    /** A message without a send run (every event journaled before runs). */
    public MessageAccepted(
        String msgId, String clientId, String from, String to, String group, List<String> recipients, String body, long at, Boolean receipts,
        List<String> rejected, List<String> blocked, Long expiresAt, Integer asideBytes, Long sentPosition, String forgets) {
      this(msgId, clientId, from, to, group, recipients, body, at, receipts, rejected, blocked, expiresAt, asideBytes, sentPosition, forgets, null);
    }

    /** A message whose client id, if kept aside, forgets none (or whose client id the state keeps). */
    public MessageAccepted(
        String msgId, String clientId, String from, String to, String group, List<String> recipients, String body, long at, Boolean receipts,
        List<String> rejected, List<String> blocked, Long expiresAt, Integer asideBytes) {
      this(msgId, clientId, from, to, group, recipients, body, at, receipts, rejected, blocked, expiresAt, asideBytes, null, null);
    }

    /** A message with its body in the event. */
    public MessageAccepted(
        String msgId, String clientId, String from, String to, String group, List<String> recipients, String body, long at, Boolean receipts,
        List<String> rejected, List<String> blocked, Long expiresAt) {
      this(msgId, clientId, from, to, group, recipients, body, at, receipts, rejected, blocked, expiresAt, null);
    }

    /** A message rejected for no recipient who blocked its sender, without a time-to-live. */
    public MessageAccepted(
        String msgId, String clientId, String from, String to, String group, List<String> recipients, String body, long at, Boolean receipts,
        List<String> rejected) {
      this(msgId, clientId, from, to, group, recipients, body, at, receipts, rejected, null, null);
    }

    /** A message whose sender gets a {@code delivered} push per recipient. */
    public MessageAccepted(String msgId, String clientId, String from, String to, String group, List<String> recipients, String body, long at) {
      this(msgId, clientId, from, to, group, recipients, body, at, null, null, null, null);
    }

    /** A message rejected for no recipient. */
    public MessageAccepted(
        String msgId, String clientId, String from, String to, String group, List<String> recipients, String body, long at, Boolean receipts) {
      this(msgId, clientId, from, to, group, recipients, body, at, receipts, null, null, null);
    }

    /** Whether its body is stored beside the journal (and not in this event as journaled). */
    boolean keepsBodyAside() {
      return asideBytes != null && MessageIds.number(msgId) >= 0;
    }

    @Override
    public Map<Long, byte[]> bodiesToStore() {
      return keepsBodyAside() && body != null ? Map.of(MessageIds.number(msgId), body.getBytes(StandardCharsets.UTF_8)) : Map.of();
    }

    /** Whether its client id is kept beside the journal (and not in the registry's state). */
    boolean keepsSentIdAside() {
      return sentPosition != null && MessageIds.number(msgId) >= 0;
    }

    @Override
    public SentId sentIdToStore() {
      return keepsSentIdAside() ? new SentId(from, clientId, MessageIds.number(msgId), sentPosition) : null;
    }

    @Override
    public SentId sentIdToForget() {
      return keepsSentIdAside() && forgets != null ? new SentId(from, forgets, -1, sentPosition - SentIds.KEPT) : null;
    }

    /** The send that begins a window of its sender's sends forgets the ids of the window before the last. */
    @Override
    public Map<String, Long> sentIdsForgottenBefore() {
      return keepsSentIdAside() && sentPosition >= SentIds.KEPT && sentPosition % SentIds.KEPT == 0
          ? Map.of(from, sentPosition - SentIds.KEPT) : Map.of();
    }

    /**
     * Without its body when that is stored aside (a replay reads the body from the store when it pushes it), and
     * without the client id it forgets (a replay only counts the send).
     */
    @Override
    public Object journaled() {
      return keepsBodyAside() || forgets != null
          ? new MessageAccepted(msgId, clientId, from, to, group, recipients, keepsBodyAside() ? null : body, at, receipts, rejected, blocked, expiresAt,
              asideBytes, sentPosition, null, run)
          : this;
    }
  }

  /**
   * The bodies of these settled messages (every recipient acknowledged them, or their time ran out) leave the
   * store. Written after the events that settled them, with the registry's next write: a body dropped late
   * costs only disk, one dropped early would lose a message. {@code numbers} are message numbers.
   */
  record BodiesDropped(List<Long> numbers) implements RouterEvent, KeptAside {
    @Override
    public long[] bodiesToDelete() {
      return numbers.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public Object journaled() {
      return this;
    }
  }

  /**
   * The records of settled messages (every recipient acknowledged them, or their time ran out) go into the store
   * beside the journal, where their senders' {@code message_status} and resends find them: written after the
   * events that settled them, with the registry's next write, as {@link BodiesDropped}. Each says its position
   * among its sender's kept records; a position that begins a window makes the store forget the window before
   * the last ({@link #recordsForgottenBefore}). {@code forgets} (a record to delete with it) is null from the
   * registry since then, and stays in the journaled array's shape, which older entries have. The journal keeps each
   * as its number and position only: a replay counts them for their senders (whose names the records waiting in
   * the state have) and lets them leave the state.
   */
  record RecordsKept(List<Kept> kept) implements RouterEvent, KeptAside {
    /** One record; {@code sender}, {@code record} and {@code forgets} are null as journaled. */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    @JsonPropertyOrder({"number", "sender", "position", "record", "forgets"})
    public record Kept(long number, String sender, long position, MessageRecord record, Long forgets) {}

    @Override
    public List<KeptRecord> recordsToStore() {
      return kept.stream().filter(k -> k.record() != null)
          .map(k -> new KeptRecord(k.sender(), k.number(), k.position(), KeptRecordCodec.encode(k.record()))).toList();
    }

    /** A record that begins a window of its sender's kept records forgets those of the window before the last. */
    @Override
    public Map<String, Long> recordsForgottenBefore() {
      Map<String, Long> forgotten = new HashMap<>();
      for (Kept k : kept) {
        if (k.position() >= DeliveredRecords.KEPT && k.position() % DeliveredRecords.KEPT == 0) {
          forgotten.put(k.sender(), k.position() - DeliveredRecords.KEPT);
        }
      }
      return forgotten;
    }

    @Override
    public List<KeptRecord> recordsToForget() {
      return kept.stream().filter(k -> k.forgets() != null)
          .map(k -> new KeptRecord(k.sender(), k.forgets(), k.position() - DeliveredRecords.KEPT, null)).toList();
    }

    @Override
    public Object journaled() {
      return new RecordsKept(kept.stream().map(k -> new Kept(k.number(), null, k.position(), null, null)).toList());
    }
  }

  /** The peer has every push up to and including {@code upTo}; acknowledged messages become DELIVERED. */
  record InboxAcked(String peer, long upTo) implements RouterEvent {}

  /**
   * The time-to-live of {@code msgId} ran out (decided by the primary with its clock at {@code at}) before
   * these {@code recipients} acknowledged it: it is EXPIRED for them and leaves their inboxes, where it had
   * sequence numbers {@code seqs} (one per recipient, in the same order). A replay applies exactly this,
   * never its own clock.
   */
  record MessageExpired(String msgId, List<String> recipients, List<Long> seqs, long at) implements RouterEvent {}
}
