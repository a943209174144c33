package peerlink.router;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collection;
import java.util.List;
import java.util.function.UnaryOperator;
import org.pcollections.PVector;
import org.pcollections.TreePVector;

/**
 * What the router remembers of a sent message so its sender can follow its state. Immutable: marking a
 * delivery returns a new record, so a checkpoint can hold on to this one.
 */
public final class MessageRecord {
  @JsonProperty private final String from;
  @JsonProperty private final String to;
  @JsonProperty private final List<String> recipients;
  /**
   * The recipients that acknowledged it, in that order; each acknowledges a message once (its inbox entry
   * goes). Once all have, in the order {@code recipients} lists them (always so with one recipient), this
   * is {@code recipients} itself: the router keeps many delivered records, and a second list would double
   * what each costs.
   */
  @JsonProperty private final List<String> delivered;
  /**
   * {@code false} when the sender asked for no {@code delivered} pushes; null (and left out of checkpoints)
   * when it wants them, as every sender did before the flag existed.
   */
  @JsonProperty @JsonInclude(JsonInclude.Include.NON_NULL) private final Boolean receipts;
  /**
   * The members of the group it was sent to whose inbox was full (INBOX_FULL): REJECTED for them, never
   * delivered, and not among {@code recipients}. Null (and left out of checkpoints) when there were none.
   */
  @JsonProperty @JsonInclude(JsonInclude.Include.NON_NULL) private final List<String> rejected;
  /**
   * The members of the group it was sent to who had blocked its sender (BLOCKED): REJECTED for them like
   * {@code rejected}, and not among {@code recipients}. Null (and left out of checkpoints) when there were none.
   */
  @JsonProperty @JsonInclude(JsonInclude.Include.NON_NULL) private final List<String> blocked;
  /**
   * When its time-to-live runs out (milliseconds since the epoch, the primary's clock); null (and left out
   * of checkpoints) for a message without one, as every message before time-to-live existed.
   */
  @JsonProperty @JsonInclude(JsonInclude.Include.NON_NULL) private final Long expiresAt;
  /** The recipients it EXPIRED for, in the order they expired; null (and left out of checkpoints) when none. */
  @JsonProperty @JsonInclude(JsonInclude.Include.NON_NULL) private final List<String> expired;

  /** A message just accepted, whose sender wants a {@code delivered} push per recipient. */
  MessageRecord(String from, String to, List<String> recipients) {
    this(from, to, recipients, null);
  }

  /** A message just accepted; {@code receipts} {@code false} when its sender wants no {@code delivered} pushes. */
  MessageRecord(String from, String to, List<String> recipients, Boolean receipts) {
    this(from, to, recipients, receipts, null);
  }

  /** A message just accepted for {@code recipients} and REJECTED for {@code rejected} (null or empty: none). */
  MessageRecord(String from, String to, List<String> recipients, Boolean receipts, List<String> rejected) {
    this(from, to, recipients, receipts, rejected, null, null);
  }

  /**
   * As above, REJECTED for {@code blocked} too, who blocked the sender (null or empty: none), and with a
   * time-to-live that runs out at {@code expiresAt} (null: none).
   */
  MessageRecord(String from, String to, List<String> recipients, Boolean receipts, List<String> rejected, List<String> blocked, Long expiresAt) {
    this(from, to, List.copyOf(recipients), TreePVector.<String>empty(), Boolean.FALSE.equals(receipts) ? Boolean.FALSE : null, rejectedOrNull(rejected),
        rejectedOrNull(blocked), expiresAt, null);
  }

  /** A direct message that its one recipient has: what {@link DeliveredRecords} keeps of it is the name. */
  static MessageRecord deliveredDirect(String from, String to) {
    List<String> recipients = List.of(to);
    return new MessageRecord(from, to, recipients, recipients, null, null, null, null, null);
  }

  @JsonCreator
  private MessageRecord(
      @JsonProperty("from") String from,
      @JsonProperty("to") String to,
      @JsonProperty("recipients") List<String> recipients,
      @JsonProperty("delivered") Collection<String> delivered,
      @JsonProperty("receipts") Boolean receipts,
      @JsonProperty("rejected") List<String> rejected,
      @JsonProperty("blocked") List<String> blocked,
      @JsonProperty("expiresAt") Long expiresAt,
      @JsonProperty("expired") List<String> expired) {
    this(from, to, List.copyOf(recipients), TreePVector.from(delivered), Boolean.FALSE.equals(receipts) ? Boolean.FALSE : null, rejectedOrNull(rejected),
        rejectedOrNull(blocked), expiresAt, rejectedOrNull(expired));
  }

  private MessageRecord(
      String from, String to, List<String> recipients, List<String> delivered, Boolean receipts, List<String> rejected, List<String> blocked,
      Long expiresAt, List<String> expired) {
    this.from = from;
    this.to = to;
    this.recipients = recipients;
    // Compared only when complete: a group of n members would otherwise cost n^2/2 comparisons per message.
    this.delivered = delivered.size() == recipients.size() && delivered.equals(recipients) ? recipients : delivered;
    this.receipts = receipts;
    this.rejected = rejected;
    this.blocked = blocked;
    this.expiresAt = expiresAt;
    this.expired = expired;
  }

  private static List<String> rejectedOrNull(List<String> rejected) {
    return rejected == null || rejected.isEmpty() ? null : List.copyOf(rejected);
  }

  /** Whether the sender gets a {@code delivered} push when a recipient acknowledges this message. */
  boolean wantsReceipts() {
    return receipts == null;
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
    return delivered;
  }

  /** The recipients it was REJECTED for because their inbox was full, in the group's order; empty when none. */
  public List<String> rejected() {
    return rejected == null ? List.of() : rejected;
  }

  /** The recipients it was REJECTED for because they blocked the sender, in the group's order; empty when none. */
  public List<String> blocked() {
    return blocked == null ? List.of() : blocked;
  }

  /** The recipients it EXPIRED for (their time ran out before they acknowledged it); empty when none. */
  public List<String> expired() {
    return expired == null ? List.of() : expired;
  }

  /** When its time-to-live runs out (milliseconds since the epoch), or null when it has none. */
  public Long expiresAt() {
    return expiresAt;
  }

  /**
   * SENT while some recipient has neither acknowledged it nor expired; a message with no recipients stays
   * SENT. The members it was REJECTED for are not recipients: a message is DELIVERED once everyone it was
   * accepted for has it, and EXPIRED once nobody waits for it any more and the time ran out for some.
   */
  public MessageState state() {
    int settled = delivered.size() + (expired == null ? 0 : expired.size());
    if (recipients.isEmpty() || settled < recipients.size()) {
      return MessageState.SENT;
    }
    return expired == null ? MessageState.DELIVERED : MessageState.EXPIRED;
  }

  /** The recipients that have neither acknowledged it nor expired, in the order of {@code recipients}. */
  List<String> waiting() {
    List<String> waiting = new java.util.ArrayList<>();
    for (String recipient : recipients) {
      if (!delivered.contains(recipient) && !expired().contains(recipient)) {
        waiting.add(recipient);
      }
    }
    return waiting;
  }

  MessageRecord deliveredTo(String recipient) {
    PVector<String> sofar = delivered instanceof PVector<String> partial ? partial : TreePVector.from(delivered);
    return new MessageRecord(from, to, recipients, sofar.plus(recipient), receipts, rejected, blocked, expiresAt, expired);
  }

  /** This record with the time run out for {@code recipients} (who had not acknowledged it). */
  MessageRecord expiredFor(List<String> recipients) {
    List<String> all = new java.util.ArrayList<>(expired());
    all.addAll(recipients);
    return new MessageRecord(from, to, this.recipients, delivered, receipts, rejected, blocked, expiresAt, List.copyOf(all));
  }

  /** This record with each name replaced by {@code names}' instance of it (records read from a checkpoint bring their own). */
  MessageRecord withNames(UnaryOperator<String> names) {
    List<String> named = recipients.stream().map(names).toList();
    List<String> namedDelivered = delivered == recipients ? named : delivered.stream().map(names).toList();
    List<String> namedRejected = rejected == null ? null : rejected.stream().map(names).toList();
    List<String> namedBlocked = blocked == null ? null : blocked.stream().map(names).toList();
    List<String> namedExpired = expired == null ? null : expired.stream().map(names).toList();
    return new MessageRecord(
        names.apply(from), names.apply(to), named, namedDelivered, receipts, namedRejected, namedBlocked, expiresAt, namedExpired);
  }

  /** Sent to one peer (not to a group) and delivered to it. */
  boolean isDirectAndDelivered() {
    return recipients.size() == 1 && delivered.size() == 1 && to.equals(recipients.get(0)) && rejected == null && blocked == null
        && expired == null;
  }

  int deliveredCount() {
    return delivered.size();
  }
}
