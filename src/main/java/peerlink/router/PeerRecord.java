package peerlink.router;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import peerlink.protocol.ServerFrame;

/** A registered peer: its key, its inbox of unacknowledged pushes, and the ids of the messages it sent. */
public final class PeerRecord {
  @JsonProperty private String publicKey;
  /** Highest sequence number ever pushed to this peer. */
  @JsonProperty private long lastSeq;
  /** Pushes not yet acknowledged, in sequence order. */
  @JsonProperty private ArrayDeque<ServerFrame.Push> inbox = new ArrayDeque<>();
  /**
   * Client message id to router message id, so a resent id is recognised as a duplicate. Only the most
   * recent {@link #SENT_IDS_KEPT} are kept: a client resends only what it has not seen answered yet.
   */
  @JsonProperty private LinkedHashMap<String, String> sentIds = new LinkedHashMap<>();
  /** Ids of this peer's fully delivered messages, oldest first; the router keeps only the newest. */
  @JsonProperty private ArrayDeque<String> delivered = new ArrayDeque<>();

  static final int SENT_IDS_KEPT = 10_000;
  static final int DELIVERED_KEPT = 10_000;

  private PeerRecord() {}

  PeerRecord(String publicKey) {
    this.publicKey = publicKey;
  }

  PeerRecord copy() {
    PeerRecord copy = new PeerRecord(publicKey);
    copy.lastSeq = lastSeq;
    copy.inbox = new ArrayDeque<>(inbox);
    copy.sentIds = new LinkedHashMap<>(sentIds);
    copy.delivered = new ArrayDeque<>(delivered);
    return copy;
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
    ServerFrame.Push head = inbox.peekFirst();
    return head == null ? lastSeq : head.seq() - 1;
  }

  public int inboxSize() {
    return inbox.size();
  }

  String msgIdFor(String clientId) {
    return sentIds.get(clientId);
  }

  void rememberSent(String clientId, String msgId) {
    sentIds.put(clientId, msgId);
    if (sentIds.size() > SENT_IDS_KEPT) {
      sentIds.remove(sentIds.keySet().iterator().next());
    }
  }

  /** Records a fully delivered message; returns the id of one to forget, or null. */
  String rememberDelivered(String msgId) {
    delivered.addLast(msgId);
    return delivered.size() > DELIVERED_KEPT ? delivered.pollFirst() : null;
  }

  void push(ServerFrame.Push item) {
    lastSeq = item.seq();
    inbox.addLast(item);
  }

  /** Removes and returns the pushes up to and including {@code upTo}. */
  List<ServerFrame.Push> acknowledge(long upTo) {
    List<ServerFrame.Push> acked = new ArrayList<>();
    while (!inbox.isEmpty() && inbox.peekFirst().seq() <= upTo) {
      acked.add(inbox.pollFirst());
    }
    return acked;
  }

  /** The pushes after {@code seq}, oldest first: what a resuming client is missing. */
  public List<ServerFrame.Push> pushesAfter(long seq) {
    List<ServerFrame.Push> newest = new ArrayList<>();
    for (Iterator<ServerFrame.Push> it = inbox.descendingIterator(); it.hasNext(); ) {
      ServerFrame.Push item = it.next();
      if (item.seq() <= seq) break;
      newest.add(item);
    }
    java.util.Collections.reverse(newest);
    return newest;
  }
}
