package peerlink.router;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;
import org.pcollections.TreePMap;
import peerlink.checkpoint.PiecedSnapshot;
import peerlink.protocol.PageLimits;
import peerlink.protocol.ServerFrame;

/**
 * A registered peer: its key, its inbox of unacknowledged pushes, and what the router keeps of the messages
 * it sent. Immutable, on persistent collections: every change returns a new record that shares what did
 * not change, so a checkpoint of the registry keeps the records it saw without copying them.
 */
public final class PeerRecord {
  @JsonProperty private final String publicKey;
  /** Highest sequence number ever pushed to this peer. */
  @JsonProperty private final long lastSeq;
  /** Pushes not yet acknowledged, by sequence number; a message's entry without its body, which is in the store. */
  @JsonIgnore private final TreePMap<Long, InboxItem> inbox;
  /** The empty inbox, shared: {@code TreePMap.empty()} makes a new one (32 bytes) for each of a million peers. */
  private static final TreePMap<Long, InboxItem> NO_PUSHES = TreePMap.empty();
  /**
   * Client message id to router message id of its most recent sends, so a resent id is recognised: those the
   * state keeps (journals that keep nothing aside, and every send before ids went aside); with PeerLink's
   * journal the store keeps them ({@link AsideStore#sentId}), and these are forgotten once the sender's window
   * has moved past them all.
   */
  @JsonIgnore private final SentIds sentIds;
  /**
   * How many messages this peer has sent, so the position of its next send (where its client id is kept in the
   * store); -1 only in a record read from a checkpoint in pieces that predates the count, until {@link #withPieces}.
   */
  @JsonIgnore private final long sentCount;
  /**
   * This peer's fully delivered messages, oldest first; the router keeps only the newest. Those the state keeps
   * (as {@link #sentIds}); with PeerLink's journal the store keeps them ({@link AsideStore#keptRecord}).
   */
  @JsonIgnore private final DeliveredRecords delivered;
  /**
   * How many delivered records of this peer's the store has kept, so the position of the next; -1 only in a
   * record read from a checkpoint in pieces that predates the count, until {@link #withPieces}.
   */
  @JsonIgnore private final long keptCount;
  /**
   * Only in a record just read from a checkpoint in pieces: its kept logs as the checkpoint wrote them, whose
   * full blocks {@link #withPieces} puts back; null once it has (and for a checkpoint of the form before).
   */
  @JsonIgnore private final KeptForm sentToLoad;
  @JsonIgnore private final KeptForm deliveredToLoad;
  /**
   * Only in a record just read from a checkpoint of the form before pieces: the ids of {@link #delivered},
   * whose records that checkpoint holds among the registry's messages; {@link #withDeliveredFrom} moves them here.
   */
  @JsonIgnore private final Collection<String> deliveredIdsToLoad;
  /** The run of this peer's client ids that proves a send new without the store (see {@link SendRun}); null when none. */
  @JsonIgnore private final SendRun run;
  /** Messages in {@link #inbox} and the UTF-8 bytes of their bodies, for the inbox quota; derived, never stored. */
  @JsonIgnore private final int inboxMessages;
  @JsonIgnore private final long inboxBytes;

  PeerRecord(String publicKey) {
    this(publicKey, 0, NO_PUSHES, SentIds.empty(), 0, DeliveredRecords.empty(), 0, 0, 0, null);
  }

  /**
   * Reads both checkpoint forms: kept logs in pieces ({@code sentKept}, {@code deliveredKept}), or whole as before;
   * queued messages as entries ({@code queued}) beside the notices ({@code inbox}), or every push in {@code inbox}
   * with its body, as before bodies went aside.
   */
  @JsonCreator
  private PeerRecord(
      @JsonProperty("publicKey") String publicKey,
      @JsonProperty("lastSeq") long lastSeq,
      @JsonProperty("inbox") List<ServerFrame.Push> inbox,
      @JsonProperty("queued") List<QueuedMessage> queued,
      @JsonProperty("sentKept") KeptForm sentKept,
      @JsonProperty("deliveredKept") KeptForm deliveredKept,
      @JsonProperty("sentIds") Map<String, String> sentIds,
      @JsonProperty("delivered") Collection<String> delivered,
      @JsonProperty("sentCount") Long sentCount,
      @JsonProperty("keptCount") Long keptCount,
      @JsonProperty("run") SendRun run) {
    this.publicKey = publicKey;
    this.run = run;
    this.lastSeq = lastSeq;
    this.inbox = bySeq(inbox, queued);
    int messages = 0;
    long bytes = 0;
    for (InboxItem item : this.inbox.values()) {
      if (item instanceof QueuedMessage m) {
        messages++;
        bytes += m.bodyBytes();
      }
    }
    this.inboxMessages = messages;
    this.inboxBytes = bytes;
    this.sentIds = sentIds == null ? SentIds.empty() : SentIds.of(sentIds);
    // A checkpoint from before the count: the sends the state kept ids of (a replay counts from there on).
    this.sentCount = sentCount != null ? sentCount : sentKept != null ? -1 : this.sentIds.end();
    this.delivered = DeliveredRecords.empty();
    this.keptCount = keptCount != null ? keptCount : deliveredKept != null ? -1 : 0;
    this.sentToLoad = sentKept;
    this.deliveredToLoad = deliveredKept;
    this.deliveredIdsToLoad = delivered == null ? List.of() : List.copyOf(delivered);
  }

  private PeerRecord(
      String publicKey,
      long lastSeq,
      TreePMap<Long, InboxItem> inbox,
      SentIds sentIds,
      long sentCount,
      DeliveredRecords delivered,
      long keptCount,
      int inboxMessages,
      long inboxBytes,
      SendRun run) {
    this.publicKey = publicKey;
    this.run = run;
    this.lastSeq = lastSeq;
    this.inbox = inbox;
    this.sentIds = sentIds;
    this.sentCount = sentCount;
    this.delivered = delivered;
    this.keptCount = keptCount;
    this.inboxMessages = inboxMessages;
    this.inboxBytes = inboxBytes;
    this.sentToLoad = null;
    this.deliveredToLoad = null;
    this.deliveredIdsToLoad = List.of();
  }

  /**
   * A record read from a checkpoint of the form before pieces, with its delivered messages' records taken
   * from the checkpoint's messages (each id's record is removed from {@code messages}; an id without one is
   * skipped), the peer and group names in them replaced by the registry's one instance of each. Any other
   * record is returned as it is.
   */
  PeerRecord withDeliveredFrom(Map<String, MessageRecord> messages, UnaryOperator<String> names) {
    if (deliveredIdsToLoad.isEmpty()) {
      return this;
    }
    DeliveredRecords loaded = delivered;
    for (String msgId : deliveredIdsToLoad) {
      MessageRecord record = MessageIds.number(msgId) < 0 ? null : messages.remove(msgId);
      if (record != null) {
        loaded = loaded.plusLoaded(msgId, record, names);
      }
    }
    return new PeerRecord(publicKey, lastSeq, inbox, sentIds, sentCount, loaded, Math.max(keptCount, loaded.end()), inboxMessages, inboxBytes, run);
  }

  /** Whether this record was read from a checkpoint in pieces and still waits for them ({@link #withPieces}). */
  boolean awaitsPieces() {
    return sentToLoad != null || deliveredToLoad != null;
  }

  /** A record read from a checkpoint in pieces, made whole: its kept logs' full blocks from {@code pieceById}. */
  PeerRecord withPieces(LongFunction<Object> pieceById, UnaryOperator<String> names) {
    if (!awaitsPieces()) {
      return this;
    }
    SentIds sent = sentToLoad == null ? sentIds : SentIds.restore(sentToLoad, pieceById);
    DeliveredRecords kept = deliveredToLoad == null ? delivered : DeliveredRecords.restore(deliveredToLoad, pieceById, names);
    return new PeerRecord(publicKey, lastSeq, inbox, sent, sentCount >= 0 ? sentCount : sent.end(), kept, keptCount >= 0 ? keptCount : kept.end(), inboxMessages, inboxBytes, run);
  }

  /** The full blocks of this peer's kept logs, each a piece of a checkpoint; ids only, in a record still awaiting them. */
  void forEachPiece(PiecedSnapshot.PieceVisitor visitor) {
    if (sentToLoad != null) {
      sentToLoad.forEachPiece(visitor);
    } else {
      sentIds.forEachPiece(visitor);
    }
    if (deliveredToLoad != null) {
      deliveredToLoad.forEachPiece(visitor);
    } else {
      delivered.forEachPiece(visitor);
    }
  }

  private static TreePMap<Long, InboxItem> bySeq(List<ServerFrame.Push> pushes, List<QueuedMessage> queued) {
    java.util.TreeMap<Long, InboxItem> items = new java.util.TreeMap<>(); // sorted: the tree is then built in one pass
    for (ServerFrame.Push push : pushes == null ? List.<ServerFrame.Push>of() : pushes) {
      items.put(push.seq(), push instanceof ServerFrame.Message m ? QueuedMessage.holding(m) : new InboxItem.Notice(push));
    }
    for (QueuedMessage message : queued == null ? List.<QueuedMessage>of() : queued) {
      items.put(message.seq(), message);
    }
    return items.isEmpty() ? NO_PUSHES : TreePMap.fromSortedMap(items);
  }

  /** The checkpoint form of the sent ids: their full blocks by piece id, the newest inline. */
  @JsonProperty("sentKept")
  private KeptForm sentKept() {
    return sentToLoad != null ? sentToLoad : sentIds.form();
  }

  /** The checkpoint form of the delivered messages, in the same way. */
  @JsonProperty("deliveredKept")
  private KeptForm deliveredKept() {
    return deliveredToLoad != null ? deliveredToLoad : delivered.form();
  }

  /** The kept record of a fully delivered message this peer sent, or null. */
  MessageRecord deliveredRecord(String self, String msgId) {
    return delivered.find(self, msgId);
  }

  /** The snapshot form of the inbox's notices, in sequence order. */
  @JsonProperty("inbox")
  private List<ServerFrame.Push> noticesInOrder() {
    List<ServerFrame.Push> notices = new ArrayList<>();
    for (InboxItem item : inbox.values()) {
      if (item instanceof InboxItem.Notice n) {
        notices.add(n.notice());
      }
    }
    return notices;
  }

  /** The snapshot form of the inbox's messages, in sequence order: entries, bodies only where the store has none. */
  @JsonProperty("queued")
  private List<QueuedMessage> queuedInOrder() {
    List<QueuedMessage> queued = new ArrayList<>();
    for (InboxItem item : inbox.values()) {
      if (item instanceof QueuedMessage m) {
        queued.add(m);
      }
    }
    return queued;
  }

  public String publicKey() {
    return publicKey;
  }

  public long lastSeq() {
    return lastSeq;
  }

  /** The sequence number the next push to this peer will get. */
  long nextSeq() {
    return lastSeq + 1;
  }

  /** The highest sequence number this peer has acknowledged. */
  public long ackedSeq() {
    return inbox.isEmpty() ? lastSeq : inbox.firstKey() - 1;
  }

  public int inboxSize() {
    return inbox.size();
  }

  /** The message id a client id the state keeps got (see {@link #sentIds}), or null. */
  String msgIdFor(String clientId) {
    return sentIds.msgIdFor(clientId);
  }

  /** How many delivered records of this peer's were kept: the position the next gets. */
  @JsonProperty("keptCount")
  long keptCount() {
    return keptCount;
  }

  /**
   * Counts a delivered record the store keeps, at {@code position} (the count so far, as the event says). Records
   * the state kept from before are forgotten once the window has moved past the newest of them.
   */
  PeerRecord keptAside(long position) {
    DeliveredRecords kept = delivered.size() > 0 && position + 1 >= delivered.end() + DeliveredRecords.KEPT ? DeliveredRecords.empty() : delivered;
    return new PeerRecord(publicKey, lastSeq, inbox, sentIds, sentCount, kept, position + 1, inboxMessages, inboxBytes, run);
  }

  /** How many messages this peer has sent: the position its next send gets. */
  @JsonProperty("sentCount")
  long sentCount() {
    return sentCount;
  }

  /**
   * Counts a send whose client id the store keeps, at {@code position} (the count so far, as the event says).
   * Ids the state kept from before are forgotten once the window has moved past the newest of them.
   */
  PeerRecord sentAside(long position, SendRun runAfter) {
    SentIds kept = sentIds.size() > 0 && position + 1 >= sentIds.end() + SentIds.KEPT ? SentIds.empty() : sentIds;
    return new PeerRecord(publicKey, lastSeq, inbox, kept, position + 1, delivered, keptCount, inboxMessages, inboxBytes, runAfter);
  }

  /** The run that proves this peer's sends new without the store (see {@link SendRun}); null when none. */
  @JsonProperty("run")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  SendRun run() {
    return run;
  }

  /** Whether the state still keeps client ids of this peer's (from before ids went aside). */
  boolean keepsSentIds() {
    return sentIds.size() > 0;
  }

  /** Remembers a client id that was not seen before (the router answers a seen one from {@link #msgIdFor}). */
  PeerRecord rememberSent(String clientId, String msgId) {
    return new PeerRecord(publicKey, lastSeq, inbox, sentIds.plus(clientId, msgId), sentCount + 1, delivered, keptCount, inboxMessages, inboxBytes, run);
  }

  /** Keeps the record of a message of this peer's that every recipient now has; the oldest kept one may go. */
  PeerRecord rememberDelivered(String msgId, MessageRecord record) {
    return new PeerRecord(publicKey, lastSeq, inbox, sentIds, sentCount, delivered.plus(msgId, record), keptCount + 1, inboxMessages, inboxBytes, run);
  }

  PeerRecord push(InboxItem item) {
    boolean message = item instanceof QueuedMessage;
    long bytes = item instanceof QueuedMessage m ? m.bodyBytes() : 0;
    return new PeerRecord(publicKey, item.seq(), inbox.plus(item.seq(), item), sentIds, sentCount, delivered, keptCount, inboxMessages + (message ? 1 : 0), inboxBytes + bytes, run);
  }

  /** The items up to and including {@code upTo}, oldest first: what an acknowledgement removes. */
  List<InboxItem> itemsUpTo(long upTo) {
    return new ArrayList<>(inbox.headMap(upTo, true).values());
  }

  /** This peer without the pushes up to and including {@code upTo}. */
  PeerRecord acknowledged(long upTo) {
    int messages = inboxMessages;
    long bytes = inboxBytes;
    for (InboxItem item : inbox.headMap(upTo, true).values()) {
      if (item instanceof QueuedMessage m) {
        messages--;
        bytes -= m.bodyBytes();
      }
    }
    TreePMap<Long, InboxItem> rest = inbox.tailMap(upTo, false);
    return new PeerRecord(publicKey, lastSeq, rest.isEmpty() ? NO_PUSHES : rest, sentIds, sentCount, delivered, keptCount, messages, bytes, run);
  }

  /**
   * The sequence number of message {@code msgId} in this peer's inbox, or -1 when it is not there. Reads the
   * inbox from the start: used only when a message expires, for each recipient that has not acknowledged it
   * (an inbox holds at most peerlink.limits.max-inbox-messages).
   */
  long seqOf(String msgId) {
    for (InboxItem item : inbox.values()) {
      if (item instanceof QueuedMessage m && m.msgId().equals(msgId)) {
        return m.seq();
      }
    }
    return -1;
  }

  /** This peer without the message at {@code seq} in its inbox (its time-to-live ran out); as it is when that is not a message. */
  PeerRecord withoutMessage(long seq) {
    if (!(inbox.get(seq) instanceof QueuedMessage m)) {
      return this;
    }
    return new PeerRecord(publicKey, lastSeq, inbox.minus(seq), sentIds, sentCount, delivered, keptCount, inboxMessages - 1, inboxBytes - m.bodyBytes(), run);
  }

  /** Messages waiting in this peer's inbox (delivered notices not counted): what the inbox quota bounds. */
  public int inboxMessages() {
    return inboxMessages;
  }

  /** UTF-8 bytes of the bodies of the messages waiting in this peer's inbox. */
  public long inboxBytes() {
    return inboxBytes;
  }

  /** The pushes to {@code self} after {@code seq}, oldest first (bodies read from {@code bodies}): what a resuming client is missing. */
  public List<ServerFrame.Push> pushesAfter(String self, long seq, AsideStore bodies) {
    List<ServerFrame.Push> pushes = new ArrayList<>();
    for (InboxItem item : inbox.tailMap(seq, false).values()) {
      pushes.add(item.push(self, bodies));
    }
    return pushes;
  }

  /**
   * The first page of the pushes to {@code self} after {@code seq}, oldest first, bodies read from {@code bodies}: as many as fit in one message between
   * nodes ({@link PageLimits}), at least one when there is any. Reads only that page of the inbox, however
   * long it is.
   */
  public List<ServerFrame.Push> pageAfter(String self, long seq, AsideStore bodies) {
    List<ServerFrame.Push> page = new ArrayList<>();
    long weight = 0;
    for (InboxItem item : inbox.tailMap(seq, false).values()) {
      int next = item.weight(self);
      if (!PageLimits.roomFor(page.size(), weight, next)) {
        break;
      }
      page.add(item.push(self, bodies)); // the only bodies read: those of the page
      weight += next;
    }
    return page;
  }
}
