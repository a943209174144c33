package peerlink.router;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcollections.HashPMap;
import org.pcollections.HashTreePMap;
import org.pcollections.TreePMap;
import peerlink.protocol.ServerFrame;

/**
 * The registry's durable state: peers with their inboxes, groups, and sent messages. It changes only by
 * {@link #apply}, so replaying the journal over a snapshot rebuilds it exactly.
 *
 * <p>Its collections and records are persistent (immutable, structurally shared): {@link #copy} for a
 * checkpoint takes constant time however large the state is, and the snapshot store serializes that copy
 * on its own thread while this state goes on changing. A deep copy used to stall the registry for
 * hundreds of milliseconds per checkpoint (see docs/performance.md).
 */
public final class RouterState implements CborSerializable {
  @JsonProperty private HashPMap<String, PeerRecord> peers;
  @JsonProperty private TreePMap<String, GroupRecord> groups;
  @JsonProperty private HashPMap<String, MessageRecord> messages;
  @JsonProperty private long messageCount;
  /** Pushes added since the last {@link #drainNewPushes}, per peer; transient, never snapshotted. */
  @JsonIgnore private Map<String, List<ServerFrame.Push>> newPushes = new LinkedHashMap<>();

  public RouterState() {
    this(HashTreePMap.empty(), TreePMap.empty(), HashTreePMap.empty(), 0);
  }

  @JsonCreator
  private RouterState(
      @JsonProperty("peers") Map<String, PeerRecord> peers,
      @JsonProperty("groups") Map<String, GroupRecord> groups,
      @JsonProperty("messages") Map<String, MessageRecord> messages,
      @JsonProperty("messageCount") long messageCount) {
    this.peers = HashTreePMap.from(peers);
    this.groups = TreePMap.from(groups);
    this.messages = HashTreePMap.from(messages);
    this.messageCount = messageCount;
  }

  public PeerRecord peer(String id) {
    return peers.get(id);
  }

  public GroupRecord group(String name) {
    return groups.get(name);
  }

  public Map<String, GroupRecord> groups() {
    return groups;
  }

  public MessageRecord message(String msgId) {
    return messages.get(msgId);
  }

  public long messageCount() {
    return messageCount;
  }

  public int peerCount() {
    return peers.size();
  }

  /** True when the name is taken by a peer or a group: they share one namespace. */
  public boolean nameInUse(String name) {
    return peers.containsKey(name) || groups.containsKey(name);
  }

  public RouterState apply(RouterEvent event) {
    if (event instanceof RouterEvent.MessageAccepted e) {
      accept(e);
    } else if (event instanceof RouterEvent.InboxAcked e) {
      acknowledge(e);
    } else if (event instanceof RouterEvent.PeerRegistered e) {
      peers = peers.plus(e.peer(), new PeerRecord(e.publicKey()));
    } else if (event instanceof RouterEvent.GroupCreated e) {
      groups = groups.plus(e.group(), new GroupRecord(e.creator()));
    } else if (event instanceof RouterEvent.GroupJoined e) {
      groups = groups.plus(e.group(), groups.get(e.group()).with(e.peer()));
    } else if (event instanceof RouterEvent.GroupLeft e) {
      groups = groups.plus(e.group(), groups.get(e.group()).without(e.peer()));
    } else {
      throw new IllegalArgumentException("unknown event " + event);
    }
    return this;
  }

  /** A snapshot of this state for a checkpoint: shares every collection, which no later event changes. */
  RouterState copy() {
    return new RouterState(peers, groups, messages, messageCount);
  }

  private RouterState(
      HashPMap<String, PeerRecord> peers, TreePMap<String, GroupRecord> groups, HashPMap<String, MessageRecord> messages, long messageCount) {
    this.peers = peers;
    this.groups = groups;
    this.messages = messages;
    this.messageCount = messageCount;
  }

  /** Returns and forgets the pushes added since the last call, so the router can forward them live. */
  public Map<String, List<ServerFrame.Push>> drainNewPushes() {
    Map<String, List<ServerFrame.Push>> drained = newPushes;
    newPushes = new LinkedHashMap<>();
    return drained;
  }

  private void accept(RouterEvent.MessageAccepted e) {
    messageCount++;
    messages = messages.plus(e.msgId(), new MessageRecord(e.from(), e.to(), e.recipients()));
    peers = peers.plus(e.from(), peers.get(e.from()).rememberSent(e.clientId(), e.msgId()));
    for (String recipient : e.recipients()) {
      PeerRecord inbox = peers.get(recipient);
      push(recipient, inbox, new ServerFrame.Message(inbox.nextSeq(), e.msgId(), e.from(), recipient, e.group(), e.body(), e.at()));
    }
  }

  private void acknowledge(RouterEvent.InboxAcked e) {
    PeerRecord acknowledging = peers.get(e.peer());
    List<ServerFrame.Push> acked = acknowledging.pushesUpTo(e.upTo());
    peers = peers.plus(e.peer(), acknowledging.acknowledged(e.upTo()));
    for (ServerFrame.Push item : acked) {
      if (item instanceof ServerFrame.Message m) {
        MessageRecord record = messages.get(m.msgId()).deliveredTo(e.peer());
        messages = messages.plus(m.msgId(), record);
        PeerRecord sender = peers.get(record.from());
        if (record.state() == MessageState.DELIVERED) {
          // Keeps the state (and every checkpoint) bounded: only recent delivered messages stay queryable.
          sender = sender.rememberDelivered(m.msgId(), forgotten -> messages = messages.minus(forgotten));
          peers = peers.plus(record.from(), sender);
        }
        push(
            record.from(),
            sender,
            new ServerFrame.Delivered(
                sender.nextSeq(), m.msgId(), e.peer(), record.deliveredCount(), record.recipients().size()));
      }
    }
  }

  private void push(String peer, PeerRecord inbox, ServerFrame.Push item) {
    peers = peers.plus(peer, inbox.push(item));
    newPushes.computeIfAbsent(peer, p -> new ArrayList<>()).add(item);
  }
}
