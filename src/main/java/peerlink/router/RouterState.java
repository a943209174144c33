package peerlink.router;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
  /**
   * Messages not yet delivered to every recipient. Delivered ones move to their sender's
   * {@link PeerRecord#deliveredMessages}: this map stays as small as the traffic in flight, and each
   * change of it copies a short path. The snapshot still holds one map of every message ({@link #allMessages}).
   */
  @JsonIgnore private HashPMap<String, MessageRecord> undelivered;
  @JsonProperty private long messageCount;
  /** Pushes added since the last {@link #drainNewPushes}, per peer; transient, never snapshotted. */
  @JsonIgnore private Map<String, List<ServerFrame.Push>> newPushes = new LinkedHashMap<>();
  /**
   * One instance of each peer and group name, for the records the router keeps: every event brings its
   * own copies of the names, and a kept message record would otherwise hold three or four of them.
   * Transient: rebuilt from the names when a snapshot is loaded.
   */
  @JsonIgnore private final Map<String, String> names;
  /**
   * Indexes of what the peers' queues keep, for lookups by id: per peer, send id to router id, and router
   * id to the record of each kept delivered message. Plain maps, changed in place, built from the queues
   * on first use ({@link #indexes}): a state loaded from a snapshot builds them once, and a copy taken for
   * a checkpoint, which is only serialized, never does.
   */
  @JsonIgnore private Map<String, Map<String, String>> sentIndex;
  @JsonIgnore private Map<String, MessageRecord> deliveredIndex;

  public RouterState() {
    this(HashTreePMap.empty(), TreePMap.empty(), HashTreePMap.empty(), 0, new HashMap<>());
  }

  /** From a snapshot: its map of messages holds delivered and undelivered ones alike. */
  @JsonCreator
  private RouterState(
      @JsonProperty("peers") Map<String, PeerRecord> peers,
      @JsonProperty("groups") Map<String, GroupRecord> groups,
      @JsonProperty("messages") Map<String, MessageRecord> messages,
      @JsonProperty("messageCount") long messageCount) {
    this(HashTreePMap.empty(), TreePMap.from(groups), HashTreePMap.empty(), messageCount, new HashMap<>());
    Map<String, MessageRecord> unclaimed = new HashMap<>(messages);
    for (Map.Entry<String, PeerRecord> entry : peers.entrySet()) {
      this.peers = this.peers.plus(entry.getKey(), entry.getValue().withDeliveredRecords(unclaimed));
      this.names.put(entry.getKey(), entry.getKey());
    }
    this.groups.keySet().forEach(name -> this.names.put(name, name));
    this.undelivered = HashTreePMap.from(unclaimed);
  }

  /** Builds the indexes from the peers' queues if this state has none yet. */
  private void indexes() {
    if (sentIndex != null) {
      return;
    }
    sentIndex = new HashMap<>();
    deliveredIndex = new HashMap<>();
    peers.forEach((name, peer) -> {
      Map<String, String> sent = new HashMap<>();
      peer.sentIds().forEach(id -> sent.put(id.clientId(), id.msgId()));
      sentIndex.put(name, sent);
      peer.deliveredMessages().forEach(kept -> deliveredIndex.put(kept.msgId(), kept.record()));
    });
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

  /** The record of a message not yet delivered, or of one of the kept delivered ones; null if none. */
  public MessageRecord message(String msgId) {
    MessageRecord record = undelivered.get(msgId);
    if (record != null) {
      return record;
    }
    indexes();
    return deliveredIndex.get(msgId);
  }

  /** The router id that a peer's send id got, if it is among the kept ones. */
  public String msgIdFor(String peer, String clientId) {
    indexes();
    Map<String, String> sent = sentIndex.get(peer);
    return sent == null ? null : sent.get(clientId);
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
    indexes();
    if (event instanceof RouterEvent.MessageAccepted e) {
      accept(e);
    } else if (event instanceof RouterEvent.InboxAcked e) {
      acknowledge(e);
    } else if (event instanceof RouterEvent.PeerRegistered e) {
      peers = peers.plus(e.peer(), new PeerRecord(e.publicKey()));
      names.put(e.peer(), e.peer());
      sentIndex.put(e.peer(), new HashMap<>());
    } else if (event instanceof RouterEvent.GroupCreated e) {
      groups = groups.plus(e.group(), new GroupRecord(e.creator()));
      names.put(e.group(), e.group());
    } else if (event instanceof RouterEvent.GroupJoined e) {
      groups = groups.plus(e.group(), groups.get(e.group()).with(e.peer()));
    } else if (event instanceof RouterEvent.GroupLeft e) {
      groups = groups.plus(e.group(), groups.get(e.group()).without(e.peer()));
    } else {
      throw new IllegalArgumentException("unknown event " + event);
    }
    return this;
  }

  /**
   * A snapshot of this state for a checkpoint: shares every persistent collection, which no later event
   * changes, and none of the indexes, which later events do change (a copy builds its own if it is used
   * for more than serializing).
   */
  RouterState copy() {
    return new RouterState(peers, groups, undelivered, messageCount, names);
  }

  private RouterState(
      HashPMap<String, PeerRecord> peers,
      TreePMap<String, GroupRecord> groups,
      HashPMap<String, MessageRecord> undelivered,
      long messageCount,
      Map<String, String> names) {
    this.peers = peers;
    this.groups = groups;
    this.undelivered = undelivered;
    this.messageCount = messageCount;
    this.names = names;
  }

  /**
   * The snapshot form of the messages: one map of the undelivered ones and every peer's kept delivered
   * ones, as the snapshot had it before they moved to the peers. A view over the persistent collections
   * only, so a checkpoint serializes it while the state goes on.
   */
  @JsonProperty("messages")
  private Map<String, MessageRecord> allMessages() {
    HashPMap<String, PeerRecord> peersNow = peers;
    HashPMap<String, MessageRecord> undeliveredNow = undelivered;
    return new AbstractMap<>() {
      @Override
      public Set<Entry<String, MessageRecord>> entrySet() {
        return new AbstractSet<>() {
          @Override
          public int size() {
            return undeliveredNow.size() + peersNow.values().stream().mapToInt(p -> p.deliveredMessages().size()).sum();
          }

          @Override
          public Iterator<Entry<String, MessageRecord>> iterator() {
            return Stream.concat(
                    undeliveredNow.entrySet().stream(),
                    peersNow.values().stream()
                        .flatMap(p -> p.deliveredMessages().stream())
                        .map(kept -> Map.entry(kept.msgId(), kept.record())))
                .iterator();
          }
        };
      }
    };
  }

  /** Returns and forgets the pushes added since the last call, so the router can forward them live. */
  public Map<String, List<ServerFrame.Push>> drainNewPushes() {
    Map<String, List<ServerFrame.Push>> drained = newPushes;
    newPushes = new LinkedHashMap<>();
    return drained;
  }

  private void accept(RouterEvent.MessageAccepted e) {
    messageCount++;
    // An unmodifiable list, which MessageRecord's List.copyOf keeps as it is (it copies Stream.toList()'s).
    undelivered = undelivered.plus(e.msgId(), new MessageRecord(name(e.from()), name(e.to()), e.recipients().stream().map(this::name).collect(Collectors.toUnmodifiableList())));
    Map<String, String> sent = sentIndex.get(e.from());
    // Two-argument remove: a send id used again after it was forgotten maps to the newer message.
    peers = peers.plus(e.from(), peers.get(e.from()).rememberSent(
        new PeerRecord.SentId(e.clientId(), e.msgId()), forgotten -> sent.remove(forgotten.clientId(), forgotten.msgId())));
    sent.put(e.clientId(), e.msgId());
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
        MessageRecord record = undelivered.get(m.msgId()).deliveredTo(name(e.peer()));
        PeerRecord sender = peers.get(record.from());
        if (record.state() == MessageState.DELIVERED) {
          // Keeps the state (and every checkpoint) bounded: only recent delivered messages stay queryable.
          undelivered = undelivered.minus(m.msgId());
          sender = sender.rememberDelivered(new PeerRecord.KeptMessage(m.msgId(), record), forgotten -> deliveredIndex.remove(forgotten.msgId()));
          deliveredIndex.put(m.msgId(), record);
          peers = peers.plus(record.from(), sender);
        } else {
          undelivered = undelivered.plus(m.msgId(), record);
        }
        push(
            record.from(),
            sender,
            new ServerFrame.Delivered(
                sender.nextSeq(), m.msgId(), e.peer(), record.deliveredCount(), record.recipients().size()));
      }
    }
  }

  /** The kept instance of a peer or group name. */
  private String name(String name) {
    return names.getOrDefault(name, name);
  }

  private void push(String peer, PeerRecord inbox, ServerFrame.Push item) {
    peers = peers.plus(peer, inbox.push(item));
    newPushes.computeIfAbsent(peer, p -> new ArrayList<>()).add(item);
  }
}
