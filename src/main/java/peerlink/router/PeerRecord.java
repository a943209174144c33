package peerlink.router;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.pcollections.AmortizedPQueue;
import org.pcollections.PQueue;
import org.pcollections.TreePMap;
import peerlink.protocol.ServerFrame;

/**
 * A registered peer: its key, its inbox of unacknowledged pushes, and what it sent: the ids of its recent
 * sends and the records of its recent fully delivered messages. Immutable, on persistent collections:
 * every change returns a new record that shares what did not change, so a checkpoint of the registry
 * keeps the records it saw without copying them.
 *
 * <p>What it sent is kept in queues, oldest first, because they are only appended to and trimmed at the
 * head: a queue entry costs a few small objects, where a persistent map of 10,000 entries copies a path
 * of about fourteen nodes per change, which the young collector then copies again. Looking them up by
 * id is the job of {@link RouterState}'s indexes, which only the registry's actor reads.
 */
public final class PeerRecord {
  /** A send id of this peer and the router id it got. */
  record SentId(String clientId, String msgId) {}

  /** A fully delivered message of this peer, kept so its sender can still ask for its status. */
  record KeptMessage(String msgId, MessageRecord record) {}

  @JsonProperty private final String publicKey;
  /** Highest sequence number ever pushed to this peer. */
  @JsonProperty private final long lastSeq;
  /** Pushes not yet acknowledged, by sequence number. */
  @JsonIgnore private final TreePMap<Long, ServerFrame.Push> inbox;
  /**
   * The most recent {@link #SENT_IDS_KEPT} send ids, oldest first, so a resent id is recognised as a
   * duplicate: a client resends only what it has not seen answered yet.
   */
  @JsonIgnore private final PQueue<SentId> sent;
  /** The most recent {@link #DELIVERED_KEPT} fully delivered messages, oldest first. */
  @JsonIgnore private final PQueue<KeptMessage> delivered;

  static final int SENT_IDS_KEPT = 10_000;
  static final int DELIVERED_KEPT = 10_000;

  PeerRecord(String publicKey) {
    this(publicKey, 0, TreePMap.empty(), AmortizedPQueue.empty(), AmortizedPQueue.empty());
  }

  /**
   * From a snapshot, which holds the delivered messages by id only (their records are in the registry's
   * map of messages): {@link #withDeliveredRecords} puts them in.
   */
  @JsonCreator
  private PeerRecord(
      @JsonProperty("publicKey") String publicKey,
      @JsonProperty("lastSeq") long lastSeq,
      @JsonProperty("inbox") List<ServerFrame.Push> inbox,
      @JsonProperty("sentIds") Map<String, String> sentIds,
      @JsonProperty("delivered") Collection<String> delivered) {
    this(publicKey, lastSeq, bySeq(inbox),
        AmortizedPQueue.<SentId>empty().plusAll(sentIds.entrySet().stream().map(e -> new SentId(e.getKey(), e.getValue())).toList()),
        AmortizedPQueue.<KeptMessage>empty().plusAll(delivered.stream().map(id -> new KeptMessage(id, null)).toList()));
  }

  private PeerRecord(
      String publicKey,
      long lastSeq,
      TreePMap<Long, ServerFrame.Push> inbox,
      PQueue<SentId> sent,
      PQueue<KeptMessage> delivered) {
    this.publicKey = publicKey;
    this.lastSeq = lastSeq;
    this.inbox = inbox;
    this.sent = sent;
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
   * This peer, loaded from a snapshot, with the records of its delivered messages taken from
   * {@code records} (which loses them). An id without a record is dropped.
   */
  PeerRecord withDeliveredRecords(Map<String, MessageRecord> records) {
    PQueue<KeptMessage> resolved = AmortizedPQueue.empty();
    for (KeptMessage kept : delivered) {
      MessageRecord record = records.remove(kept.msgId());
      if (record != null) {
        resolved = resolved.plus(new KeptMessage(kept.msgId(), record));
      }
    }
    return new PeerRecord(publicKey, lastSeq, inbox, sent, resolved);
  }

  /**
   * The snapshot form of the sent ids: client id to router id, oldest first, as they are forgotten. A
   * view, not a copy: a checkpoint writes up to 10,000 of them per peer.
   */
  @JsonProperty("sentIds")
  private Map<String, String> sentIdsInOrder() {
    return new AbstractMap<>() {
      @Override
      public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
          @Override
          public int size() {
            return sent.size();
          }

          @Override
          public Iterator<Entry<String, String>> iterator() {
            return sent.stream().map(id -> Map.entry(id.clientId(), id.msgId())).iterator();
          }
        };
      }
    };
  }

  /** The snapshot form of the delivered messages: their ids, oldest first (the records go with the registry's messages). */
  @JsonProperty("delivered")
  private Collection<String> deliveredIds() {
    return new AbstractCollection<>() {
      @Override
      public int size() {
        return delivered.size();
      }

      @Override
      public Iterator<String> iterator() {
        return delivered.stream().map(KeptMessage::msgId).iterator();
      }
    };
  }

  /** The snapshot form of the inbox: its pushes in sequence order. */
  @JsonProperty("inbox")
  private Collection<ServerFrame.Push> inboxInOrder() {
    return inbox.values();
  }

  /** The kept send ids, oldest first. */
  Collection<SentId> sentIds() {
    return sent;
  }

  /** The kept delivered messages, oldest first. */
  Collection<KeptMessage> deliveredMessages() {
    return delivered;
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

  /** Remembers a send id that was not seen before; the one that falls out of the kept ones goes to {@code forgotten}. */
  PeerRecord rememberSent(SentId id, Consumer<SentId> forgotten) {
    PQueue<SentId> kept = sent.plus(id);
    if (kept.size() > SENT_IDS_KEPT) {
      forgotten.accept(kept.peek());
      kept = kept.minus();
    }
    return new PeerRecord(publicKey, lastSeq, inbox, kept, delivered);
  }

  /** Keeps a fully delivered message; the one that falls out of the kept ones goes to {@code forgotten}. */
  PeerRecord rememberDelivered(KeptMessage message, Consumer<KeptMessage> forgotten) {
    PQueue<KeptMessage> kept = delivered.plus(message);
    if (kept.size() > DELIVERED_KEPT) {
      forgotten.accept(kept.peek());
      kept = kept.minus();
    }
    return new PeerRecord(publicKey, lastSeq, inbox, sent, kept);
  }

  PeerRecord push(ServerFrame.Push item) {
    return new PeerRecord(publicKey, item.seq(), inbox.plus(item.seq(), item), sent, delivered);
  }

  /** The pushes up to and including {@code upTo}, oldest first: what an acknowledgement removes. */
  List<ServerFrame.Push> pushesUpTo(long upTo) {
    return new ArrayList<>(inbox.headMap(upTo, true).values());
  }

  /** This peer without the pushes up to and including {@code upTo}. */
  PeerRecord acknowledged(long upTo) {
    return new PeerRecord(publicKey, lastSeq, inbox.tailMap(upTo, false), sent, delivered);
  }

  /** The pushes after {@code seq}, oldest first: what a resuming client is missing. */
  public List<ServerFrame.Push> pushesAfter(long seq) {
    return new ArrayList<>(inbox.tailMap(seq, false).values());
  }
}
