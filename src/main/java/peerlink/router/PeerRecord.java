package peerlink.router;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pcollections.AmortizedPQueue;
import org.pcollections.HashPMap;
import org.pcollections.HashTreePMap;
import org.pcollections.PQueue;
import org.pcollections.TreePMap;
import peerlink.protocol.ServerFrame;

/**
 * A registered peer: its key, its inbox of unacknowledged pushes, and the ids of the messages it sent.
 * Immutable, on persistent collections: every change returns a new record that shares what did not
 * change, so a checkpoint of the registry keeps the records it saw without copying them.
 */
public final class PeerRecord {
  @JsonProperty private final String publicKey;
  /** Highest sequence number ever pushed to this peer. */
  @JsonProperty private final long lastSeq;
  /** Pushes not yet acknowledged, by sequence number. */
  @JsonIgnore private final TreePMap<Long, ServerFrame.Push> inbox;
  /**
   * Client message id to router message id, so a resent id is recognised as a duplicate. Only the most
   * recent {@link #SENT_IDS_KEPT} are kept: a client resends only what it has not seen answered yet.
   */
  @JsonIgnore private final HashPMap<String, String> sentIds;
  /** The keys of {@link #sentIds}, oldest first: which one to forget next. */
  @JsonIgnore private final PQueue<String> sentOrder;
  /**
   * Ids of this peer's fully delivered messages, oldest first; the router keeps only the newest. A queue,
   * not an ordered set: nothing looks an id up here, and a queue entry costs a sixth of a set entry.
   */
  @JsonProperty private final PQueue<String> delivered;

  static final int SENT_IDS_KEPT = 10_000;
  static final int DELIVERED_KEPT = 10_000;

  PeerRecord(String publicKey) {
    this(publicKey, 0, TreePMap.empty(), HashTreePMap.empty(), AmortizedPQueue.empty(), AmortizedPQueue.empty());
  }

  @JsonCreator
  private PeerRecord(
      @JsonProperty("publicKey") String publicKey,
      @JsonProperty("lastSeq") long lastSeq,
      @JsonProperty("inbox") List<ServerFrame.Push> inbox,
      @JsonProperty("sentIds") Map<String, String> sentIds,
      @JsonProperty("delivered") Collection<String> delivered) {
    this(publicKey, lastSeq, bySeq(inbox), HashTreePMap.from(sentIds), AmortizedPQueue.<String>empty().plusAll(sentIds.keySet()),
        AmortizedPQueue.<String>empty().plusAll(delivered));
  }

  private PeerRecord(
      String publicKey,
      long lastSeq,
      TreePMap<Long, ServerFrame.Push> inbox,
      HashPMap<String, String> sentIds,
      PQueue<String> sentOrder,
      PQueue<String> delivered) {
    this.publicKey = publicKey;
    this.lastSeq = lastSeq;
    this.inbox = inbox;
    this.sentIds = sentIds;
    this.sentOrder = sentOrder;
    this.delivered = delivered;
  }

  private static TreePMap<Long, ServerFrame.Push> bySeq(List<ServerFrame.Push> pushes) {
    TreePMap<Long, ServerFrame.Push> inbox = TreePMap.empty();
    for (ServerFrame.Push push : pushes) {
      inbox = inbox.plus(push.seq(), push);
    }
    return inbox;
  }

  /**
   * The snapshot form of the sent ids: oldest first, as they are forgotten. A view, not a copy: a
   * checkpoint writes up to 10,000 of them per peer.
   */
  @JsonProperty("sentIds")
  private Map<String, String> sentIdsInOrder() {
    return new AbstractMap<>() {
      @Override
      public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
          @Override
          public int size() {
            return sentOrder.size();
          }

          @Override
          public Iterator<Entry<String, String>> iterator() {
            return sentOrder.stream().map(clientId -> Map.entry(clientId, sentIds.get(clientId))).iterator();
          }
        };
      }
    };
  }

  /** The snapshot form of the inbox: its pushes in sequence order. */
  @JsonProperty("inbox")
  private Collection<ServerFrame.Push> inboxInOrder() {
    return inbox.values();
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

  String msgIdFor(String clientId) {
    return sentIds.get(clientId);
  }

  /** Remembers a client id that was not seen before (the router answers a seen one from {@link #msgIdFor}). */
  PeerRecord rememberSent(String clientId, String msgId) {
    HashPMap<String, String> kept = sentIds.plus(clientId, msgId);
    PQueue<String> order = sentOrder.plus(clientId);
    if (order.size() > SENT_IDS_KEPT) {
      kept = kept.minus(order.peek());
      order = order.minus();
    }
    return new PeerRecord(publicKey, lastSeq, inbox, kept, order, delivered);
  }

  /** Records a fully delivered message; the id of one that falls out of the kept ones is reported to {@code forgotten}. */
  PeerRecord rememberDelivered(String msgId, java.util.function.Consumer<String> forgotten) {
    PQueue<String> kept = delivered.plus(msgId);
    if (kept.size() > DELIVERED_KEPT) {
      forgotten.accept(kept.peek());
      kept = kept.minus();
    }
    return new PeerRecord(publicKey, lastSeq, inbox, sentIds, sentOrder, kept);
  }

  PeerRecord push(ServerFrame.Push item) {
    return new PeerRecord(publicKey, item.seq(), inbox.plus(item.seq(), item), sentIds, sentOrder, delivered);
  }

  /** The pushes up to and including {@code upTo}, oldest first: what an acknowledgement removes. */
  List<ServerFrame.Push> pushesUpTo(long upTo) {
    return new ArrayList<>(inbox.headMap(upTo, true).values());
  }

  /** This peer without the pushes up to and including {@code upTo}. */
  PeerRecord acknowledged(long upTo) {
    return new PeerRecord(publicKey, lastSeq, inbox.tailMap(upTo, false), sentIds, sentOrder, delivered);
  }

  /** The pushes after {@code seq}, oldest first: what a resuming client is missing. */
  public List<ServerFrame.Push> pushesAfter(long seq) {
    return new ArrayList<>(inbox.tailMap(seq, false).values());
  }
}
