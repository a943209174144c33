package peerlink.router;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import peerlink.protocol.ServerFrame;

/**
 * The registry's durable state: peers with their inboxes, groups, and sent messages. It changes only by
 * {@link #apply}, so replaying the journal over a snapshot rebuilds it exactly.
 */
public final class RouterState implements CborSerializable {
  @JsonProperty private final Map<String, PeerRecord> peers = new HashMap<>();
  @JsonProperty private final TreeMap<String, GroupRecord> groups = new TreeMap<>();
  @JsonProperty private final Map<String, MessageRecord> messages = new HashMap<>();
  @JsonProperty private long messageCount;
  /** Pushes added since the last {@link #drainNewPushes}, per peer; transient, never snapshotted. */
  @JsonIgnore private Map<String, List<ServerFrame.Push>> newPushes = new LinkedHashMap<>();

  public PeerRecord peer(String id) {
    return peers.get(id);
  }

  public GroupRecord group(String name) {
    return groups.get(name);
  }

  public Map<String, GroupRecord> groups() {
    return java.util.Collections.unmodifiableMap(groups);
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
      peers.put(e.peer(), new PeerRecord(e.publicKey()));
    } else if (event instanceof RouterEvent.GroupCreated e) {
      groups.put(e.group(), new GroupRecord(e.creator()));
    } else if (event instanceof RouterEvent.GroupJoined e) {
      groups.get(e.group()).add(e.peer());
    } else if (event instanceof RouterEvent.GroupLeft e) {
      groups.get(e.group()).remove(e.peer());
    } else {
      throw new IllegalArgumentException("unknown event " + event);
    }
    return this;
  }

  /**
   * A deep copy, for snapshots: the snapshot store reads a snapshot asynchronously, while this state keeps
   * changing in place.
   */
  RouterState copy() {
    RouterState copy = new RouterState();
    peers.forEach((id, peer) -> copy.peers.put(id, peer.copy()));
    groups.forEach((name, group) -> copy.groups.put(name, group.copy()));
    messages.forEach((msgId, message) -> copy.messages.put(msgId, message.copy()));
    copy.messageCount = messageCount;
    return copy;
  }

  /** Returns and forgets the pushes added since the last call, so the router can forward them live. */
  public Map<String, List<ServerFrame.Push>> drainNewPushes() {
    Map<String, List<ServerFrame.Push>> drained = newPushes;
    newPushes = new LinkedHashMap<>();
    return drained;
  }

  private void accept(RouterEvent.MessageAccepted e) {
    messageCount++;
    messages.put(e.msgId(), new MessageRecord(e.from(), e.to(), e.recipients()));
    peers.get(e.from()).rememberSent(e.clientId(), e.msgId());
    for (String recipient : e.recipients()) {
      PeerRecord inbox = peers.get(recipient);
      push(recipient, inbox, new ServerFrame.Message(inbox.nextSeq(), e.msgId(), e.from(), recipient, e.group(), e.body(), e.at()));
    }
  }

  private void acknowledge(RouterEvent.InboxAcked e) {
    for (ServerFrame.Push item : peers.get(e.peer()).acknowledge(e.upTo())) {
      if (item instanceof ServerFrame.Message m) {
        MessageRecord record = messages.get(m.msgId());
        record.markDelivered(e.peer());
        if (record.state() == MessageState.DELIVERED) {
          // Keeps the state (and every checkpoint) bounded: only recent delivered messages stay queryable.
          String forget = peers.get(record.from()).rememberDelivered(m.msgId());
          if (forget != null) {
            messages.remove(forget);
          }
        }
        PeerRecord sender = peers.get(record.from());
        push(
            record.from(),
            sender,
            new ServerFrame.Delivered(
                sender.nextSeq(), m.msgId(), e.peer(), record.deliveredCount(), record.recipients().size()));
      }
    }
  }

  private void push(String peer, PeerRecord inbox, ServerFrame.Push item) {
    inbox.push(item);
    newPushes.computeIfAbsent(peer, p -> new ArrayList<>()).add(item);
  }
}
