package peerlink.router;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import org.pcollections.HashPMap;
import org.pcollections.HashTreePMap;
import org.pcollections.HashTreePSet;
import org.pcollections.PSet;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;
import peerlink.checkpoint.PiecedSnapshot;
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
public final class RouterState implements CborSerializable, PiecedSnapshot {
  @JsonProperty private HashPMap<String, PeerRecord> peers;
  @JsonProperty private TreePMap<String, GroupRecord> groups;
  /**
   * Messages not yet delivered to every recipient. The delivered ones are kept by their senders
   * ({@link PeerRecord#deliveredRecord}), compactly, and are pieces of a checkpoint (a checkpoint of the
   * form before pieces listed them here too).
   */
  /**
   * A tree, not a hash map: one tree node per message is 40 bytes, a hash map entry of pcollections (tree
   * node, bucket, entry) 96; there are as many as messages waiting (docs/performance.md, "Scale").
   */
  @JsonIgnore private TreePMap<String, MessageRecord> messages;
  @JsonProperty private long messageCount;
  /** Whom each peer blocked (only peers that blocked someone); absent in checkpoints from before blocking. */
  @JsonProperty private HashPMap<String, TreePSet<String>> blocks;
  /**
   * The invitations used to register, by id, so each registers one peer. One per peer registered by
   * invitation, so it grows with the peers, as the registry may. Absent from checkpoints made before.
   */
  @JsonProperty private PSet<String> usedInvitations;
  /**
   * Numbers of settled messages whose bodies are still in the store: the registry drops them with its next
   * write ({@link RouterEvent.BodiesDropped}). Kept in checkpoints, so that a body is never left behind.
   */
  @JsonProperty private PSet<Long> bodiesToDrop;
  /**
   * Whether message bodies go beside the journal here (a message accepted so was seen): only then do settled
   * messages' bodies need dropping. Kept in checkpoints.
   */
  @JsonProperty private boolean bodiesAside;
  /**
   * Records of settled messages not yet in the store, by message number: the registry writes them beside the
   * journal with its next write ({@link RouterEvent.RecordsKept}), where their senders' status requests find
   * them. Kept in checkpoints. Only when {@link #recordsAside}; else the senders keep them in the state.
   */
  @JsonIgnore private TreePMap<Long, MessageRecord> recordsToKeep;
  /**
   * Whether send ids and delivered records go beside the journal here (a message accepted so was seen). Kept
   * in checkpoints.
   */
  @JsonProperty private boolean recordsAside;
  /** Pushes added since the last {@link #drainNewPushes}, per peer; transient, never snapshotted. */
  @JsonIgnore private Map<String, List<ServerFrame.Push>> newPushes = new LinkedHashMap<>();
  /**
   * One instance of each peer and group name, for the records the router keeps: every event brings its
   * own copies of the names, and a kept message record would otherwise hold three or four of them.
   * Transient: rebuilt from the names when a snapshot is loaded.
   */
  @JsonIgnore private final Map<String, String> names;
  /** Each recipient of a direct message as a list of one, shared by its messages' records; transient, like {@link #names}. */
  @JsonIgnore private final Map<String, List<String>> alone;
  /** How many groups each peer created (for the quota); transient: counted from the groups when a snapshot is loaded. */
  @JsonIgnore private HashPMap<String, Integer> groupsCreated;
  /**
   * The undelivered messages that have a time-to-live, by when it runs out: the registry looks at the
   * earliest only, never through the inboxes. Transient: rebuilt from the messages when a snapshot is loaded.
   */
  @JsonIgnore private TreePMap<Long, PSet<String>> deadlines;

  public RouterState() {
    this(HashTreePMap.empty(), TreePMap.empty(), null, null, 0, null, null, null, false, null, false);
  }

  @JsonCreator
  private RouterState(
      @JsonProperty("peers") Map<String, PeerRecord> peers,
      @JsonProperty("groups") Map<String, GroupRecord> groups,
      @JsonProperty("messages") Map<String, MessageRecord> messages,
      @JsonProperty("undelivered") List<Undelivered> undeliveredList,
      @JsonProperty("messageCount") long messageCount,
      @JsonProperty("blocks") Map<String, List<String>> blocks,
      @JsonProperty("usedInvitations") java.util.Collection<String> usedInvitations,
      @JsonProperty("bodiesToDrop") java.util.Collection<Long> bodiesToDrop,
      @JsonProperty("bodiesAside") boolean bodiesAside,
      @JsonProperty("recordsToKeep") List<Undelivered> recordsToKeep,
      @JsonProperty("recordsAside") boolean recordsAside) {
    java.util.TreeMap<Long, MessageRecord> toKeep = new java.util.TreeMap<>();
    if (recordsToKeep != null) {
      recordsToKeep.forEach(kept -> toKeep.put(MessageIds.numberOrThrow(kept.msgId()), kept.record()));
    }
    this.recordsToKeep = TreePMap.fromSortedMap(toKeep);
    this.recordsAside = recordsAside;
    this.usedInvitations = usedInvitations == null ? HashTreePSet.empty() : HashTreePSet.from(usedInvitations);
    this.bodiesToDrop = bodiesToDrop == null ? HashTreePSet.empty() : HashTreePSet.from(bodiesToDrop);
    this.bodiesAside = bodiesAside;
    this.names = new HashMap<>();
    this.alone = new HashMap<>();
    peers.keySet().forEach(name -> this.names.put(name, name));
    groups.keySet().forEach(name -> this.names.put(name, name));
    // Sorted, so the tree is built in one pass (fromSortedMap) instead of a persistent insertion per message;
    // mutable, because a checkpoint of the form before pieces has delivered records here too, which leave it.
    java.util.TreeMap<String, MessageRecord> undelivered = new java.util.TreeMap<>(messages == null ? Map.of() : messages);
    if (undeliveredList != null) {
      undeliveredList.forEach(u -> undelivered.put(u.msgId(), u.record()));
    }
    Map<String, PeerRecord> loaded = new HashMap<>();
    peers.forEach((id, peer) -> loaded.put(name(id), peer.withDeliveredFrom(undelivered, this::name)));
    this.peers = HashTreePMap.from(loaded);
    this.groups = TreePMap.from(groups);
    this.messages = TreePMap.fromSortedMap(undelivered);
    this.messageCount = messageCount;
    Map<String, Integer> created = new HashMap<>();
    groups.values().forEach(group -> created.merge(group.creator(), 1, Integer::sum));
    this.groupsCreated = HashTreePMap.from(created);
    Map<String, TreePSet<String>> blocked = new HashMap<>();
    if (blocks != null) {
      blocks.forEach((peer, whom) -> blocked.put(name(peer), TreePSet.from(whom.stream().map(this::name).toList())));
    }
    this.blocks = HashTreePMap.from(blocked);
    this.deadlines = TreePMap.empty();
    undelivered.forEach((msgId, record) -> {
      if (record.expiresAt() != null && record.state() == MessageState.SENT) {
        deadlines = withDeadline(deadlines, record.expiresAt(), msgId);
      }
    });
  }

  /**
   * A message not yet delivered to everyone, as a checkpoint lists it: an array of its id and record, not a
   * map entry keyed by its id. A checkpoint holds as many as messages wait, and a map's keys are field names
   * to the parser, which interns each one it reads (a third of loading a checkpoint of 800,000 messages,
   * docs/performance.md "Scale").
   */
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({"msgId", "record"})
  record Undelivered(String msgId, MessageRecord record) {}

  /** The checkpoint form of the records still to be written beside the journal, in number order. */
  @JsonProperty("recordsToKeep")
  private List<Undelivered> recordsToKeepInOrder() {
    List<Undelivered> list = new ArrayList<>(recordsToKeep.size());
    recordsToKeep.forEach((number, record) -> list.add(new Undelivered(MessageIds.of(number), record)));
    return list;
  }

  /** The checkpoint form of the undelivered messages, in id order. */
  @JsonProperty("undelivered")
  private List<Undelivered> undeliveredInOrder() {
    List<Undelivered> list = new ArrayList<>(messages.size());
    messages.forEach((msgId, record) -> list.add(new Undelivered(msgId, record)));
    return list;
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

  /** The groups by name, sorted, for pages of {@code groups}. */
  TreePMap<String, GroupRecord> sortedGroups() {
    return groups;
  }

  /** How many groups {@code peer} has created and not deleted (a group given away still counts for its creator). */
  public int groupsCreatedBy(String peer) {
    return groupsCreated.getOrDefault(peer, 0);
  }

  /** Whether {@code peer} blocked {@code sender}: its messages to {@code peer} are refused. */
  public boolean blocks(String peer, String sender) {
    TreePSet<String> blocked = blocks.get(peer);
    return blocked != null && blocked.contains(sender);
  }

  /** How many peers {@code peer} has blocked. */
  public int blockCount(String peer) {
    TreePSet<String> blocked = blocks.get(peer);
    return blocked == null ? 0 : blocked.size();
  }

  /**
   * The record of a message {@code sender} sent, while the state has it: undelivered, settled and not in the
   * store yet, or kept by its sender in the state; else null (a record kept beside the journal is the store's:
   * {@link AsideStore#keptRecord}).
   */
  public MessageRecord sentMessage(String sender, String msgId) {
    MessageRecord undelivered = messages.get(msgId);
    if (undelivered != null) {
      return undelivered.from().equals(sender) ? undelivered : null;
    }
    long number = MessageIds.number(msgId);
    MessageRecord settled = number < 0 ? null : recordsToKeep.get(number);
    if (settled != null) {
      return settled.from().equals(sender) ? settled : null;
    }
    PeerRecord peer = peers.get(sender);
    return peer == null ? null : peer.deliveredRecord(sender, msgId);
  }

  /** The full blocks of every peer's kept logs: they never change, so a checkpoint stores each once. */
  @Override
  public void forEachPiece(PieceVisitor visitor) {
    for (PeerRecord peer : peers.values()) {
      peer.forEachPiece(visitor);
    }
  }

  /** This state as read from a checkpoint in pieces, made whole (and the state itself when it needs no pieces). */
  @Override
  public RouterState withPieces(LongFunction<Object> pieceById) {
    if (!awaitsPieces()) {
      return this;
    }
    Map<String, PeerRecord> loaded = new HashMap<>();
    peers.forEach((id, peer) -> loaded.put(id, peer.withPieces(pieceById, this::name)));
    return new RouterState(HashTreePMap.from(loaded), groups, messages, messageCount, names, groupsCreated, blocks, deadlines, usedInvitations, bodiesToDrop, bodiesAside, recordsToKeep, recordsAside);
  }

  /** Whether this state was read from a checkpoint in pieces without them: it must not be used before {@link #withPieces}. */
  boolean awaitsPieces() {
    return peers.values().stream().anyMatch(PeerRecord::awaitsPieces);
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
    } else if (event instanceof RouterEvent.MessageExpired e) {
      expire(e);
    } else if (event instanceof RouterEvent.BodiesDropped e) {
      bodiesToDrop = bodiesToDrop.minusAll(e.numbers());
    } else if (event instanceof RouterEvent.RecordsKept e) {
      for (RouterEvent.RecordsKept.Kept kept : e.kept()) {
        MessageRecord waiting = recordsToKeep.get(kept.number());
        recordsToKeep = recordsToKeep.minus(kept.number());
        String from = kept.sender() != null ? kept.sender() : waiting == null ? null : waiting.from();
        PeerRecord sender = from == null ? null : peers.get(from);
        if (sender != null) {
          peers = peers.plus(from, sender.keptAside(kept.position()));
        }
      }
    } else if (event instanceof RouterEvent.PeerRegistered e) {
      peers = peers.plus(e.peer(), new PeerRecord(e.publicKey()));
      names.put(e.peer(), e.peer());
      if (e.invitation() != null) {
        usedInvitations = usedInvitations.plus(e.invitation());
      }
    } else if (event instanceof RouterEvent.GroupCreated e) {
      groups = groups.plus(e.group(), new GroupRecord(e.creator(), Boolean.TRUE.equals(e.privateGroup())));
      groupsCreated = groupsCreated.plus(e.creator(), groupsCreatedBy(e.creator()) + 1);
      names.put(e.group(), e.group());
    } else if (event instanceof RouterEvent.GroupJoined e) {
      groups = groups.plus(e.group(), groups.get(e.group()).with(e.peer()));
    } else if (event instanceof RouterEvent.GroupLeft e) {
      groups = groups.plus(e.group(), groups.get(e.group()).without(e.peer()));
    } else if (event instanceof RouterEvent.GroupInvited e) {
      groups = groups.plus(e.group(), groups.get(e.group()).withInvited(e.peer()));
    } else if (event instanceof RouterEvent.GroupMemberRemoved e) {
      groups = groups.plus(e.group(), groups.get(e.group()).removed(e.peer()));
    } else if (event instanceof RouterEvent.GroupBanned e) {
      groups = groups.plus(e.group(), groups.get(e.group()).withBanned(e.peer()));
    } else if (event instanceof RouterEvent.GroupUnbanned e) {
      groups = groups.plus(e.group(), groups.get(e.group()).withoutBan(e.peer()));
    } else if (event instanceof RouterEvent.GroupGiven e) {
      groups = groups.plus(e.group(), groups.get(e.group()).ownedBy(name(e.owner())));
    } else if (event instanceof RouterEvent.GroupDeleted e) {
      deleteGroup(e.group());
    } else if (event instanceof RouterEvent.PeerBlocked e) {
      TreePSet<String> blocked = blocks.getOrDefault(e.peer(), TreePSet.empty());
      blocks = blocks.plus(name(e.peer()), blocked.plus(name(e.blocked())));
    } else if (event instanceof RouterEvent.PeerUnblocked e) {
      TreePSet<String> blocked = blocks.getOrDefault(e.peer(), TreePSet.empty()).minus(e.blocked());
      blocks = blocked.isEmpty() ? blocks.minus(e.peer()) : blocks.plus(e.peer(), blocked);
    } else {
      throw new IllegalArgumentException("unknown event " + event);
    }
    return this;
  }

  /**
   * The group goes, and with it its name (free for a new peer or group) and its creator's quota place.
   * Its messages are in their recipients' inboxes, under their own records: nothing of them changes.
   */
  private void deleteGroup(String name) {
    GroupRecord deleted = groups.get(name);
    groups = groups.minus(name);
    int created = groupsCreatedBy(deleted.creator()) - 1;
    groupsCreated = created > 0 ? groupsCreated.plus(deleted.creator(), created) : groupsCreated.minus(deleted.creator());
    names.remove(name); // only a cache of instances: records that hold the name keep theirs
  }

  /** A snapshot of this state for a checkpoint: shares every collection, which no later event changes. */
  RouterState copy() {
    return new RouterState(peers, groups, messages, messageCount, names, groupsCreated, blocks, deadlines, usedInvitations, bodiesToDrop, bodiesAside, recordsToKeep, recordsAside);
  }

  private RouterState(
      HashPMap<String, PeerRecord> peers,
      TreePMap<String, GroupRecord> groups,
      TreePMap<String, MessageRecord> messages,
      long messageCount,
      Map<String, String> names,
      HashPMap<String, Integer> groupsCreated,
      HashPMap<String, TreePSet<String>> blocks,
      TreePMap<Long, PSet<String>> deadlines,
      PSet<String> usedInvitations,
      PSet<Long> bodiesToDrop,
      boolean bodiesAside,
      TreePMap<Long, MessageRecord> recordsToKeep,
      boolean recordsAside) {
    this.peers = peers;
    this.bodiesToDrop = bodiesToDrop;
    this.bodiesAside = bodiesAside;
    this.recordsToKeep = recordsToKeep;
    this.recordsAside = recordsAside;
    this.usedInvitations = usedInvitations;
    this.groups = groups;
    this.messages = messages;
    this.messageCount = messageCount;
    this.names = names;
    this.alone = new HashMap<>(); // filled again as messages come: the lists it held stay shared by the records that have them
    this.groupsCreated = groupsCreated;
    this.blocks = blocks;
    this.deadlines = deadlines;
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
    List<String> rejected = e.rejected() == null ? null : e.rejected().stream().map(this::name).toList();
    List<String> blocked = e.blocked() == null ? null : e.blocked().stream().map(this::name).toList();
    messages = messages.plus(e.msgId(), new MessageRecord(name(e.from()), name(e.to()), recipients(e.recipients()), e.receipts(), rejected, blocked, e.expiresAt()));
    if (e.expiresAt() != null && !e.recipients().isEmpty()) {
      deadlines = withDeadline(deadlines, e.expiresAt(), e.msgId());
    }
    PeerRecord sender = peers.get(e.from());
    // The client id is in the store when the event says where; else the state keeps it.
    peers = peers.plus(e.from(), e.keepsSentIdAside() ? sender.sentAside(e.sentPosition(), e.run()) : sender.rememberSent(e.clientId(), e.msgId()));
    boolean aside = e.keepsBodyAside();
    bodiesAside |= aside;
    recordsAside |= e.keepsSentIdAside();
    // The body stays in the heap only when the store has none; one instance then for all recipients. A replayed
    // event whose body is aside has none, and says how long it is.
    int bodyBytes = aside ? e.asideBytes() : (int) Quotas.utf8Length(e.body());
    for (String recipient : e.recipients()) {
      PeerRecord inbox = peers.get(recipient);
      long seq = inbox.nextSeq();
      QueuedMessage entry = new QueuedMessage(seq, e.msgId(), name(e.from()), e.group() == null ? null : name(e.group()), e.at(), bodyBytes, aside ? null : e.body());
      peers = peers.plus(recipient, inbox.push(entry));
      if (e.body() != null) {
        newPushes.computeIfAbsent(recipient, p -> new ArrayList<>()).add(new ServerFrame.Message(seq, e.msgId(), e.from(), recipient, e.group(), e.body(), e.at()));
      }
    }
  }

  private void acknowledge(RouterEvent.InboxAcked e) {
    PeerRecord acknowledging = peers.get(e.peer());
    List<InboxItem> acked = acknowledging.itemsUpTo(e.upTo());
    peers = peers.plus(e.peer(), acknowledging.acknowledged(e.upTo()));
    for (InboxItem item : acked) {
      if (item instanceof QueuedMessage m) {
        MessageRecord record = messages.get(m.msgId()).deliveredTo(name(e.peer()));
        PeerRecord sender = peers.get(record.from());
        if (record.state() != MessageState.SENT) {
          sender = settled(m.msgId(), record, sender);
        } else {
          messages = messages.plus(m.msgId(), record);
        }
        if (record.wantsReceipts()) {
          push(
              record.from(),
              sender,
              new ServerFrame.Delivered(
                  sender.nextSeq(), m.msgId(), e.peer(), record.deliveredCount(), record.recipients().size()));
        }
      }
    }
  }

  /**
   * A message nobody waits for any more (DELIVERED, or EXPIRED for some): the sender keeps it now, with only
   * its recent ones, so state and checkpoints stay bounded; it leaves the messages and the deadlines.
   */
  private PeerRecord settled(String msgId, MessageRecord record, PeerRecord sender) {
    if (record.expiresAt() != null) {
      deadlines = withoutDeadline(deadlines, record.expiresAt(), msgId);
    }
    if (MessageIds.number(msgId) < 0) {
      messages = messages.plus(msgId, record);
      return sender;
    }
    if (bodiesAside) {
      bodiesToDrop = bodiesToDrop.plus(MessageIds.number(msgId));
    }
    messages = messages.minus(msgId);
    if (recordsAside) {
      recordsToKeep = recordsToKeep.plus(MessageIds.number(msgId), record);
      return sender;
    }
    PeerRecord keeping = sender.rememberDelivered(msgId, record);
    peers = peers.plus(record.from(), keeping);
    return keeping;
  }

  private void expire(RouterEvent.MessageExpired e) {
    MessageRecord record = messages.get(e.msgId());
    if (record == null) {
      return; // cannot happen: the registry expires only messages it has
    }
    for (int i = 0; i < e.recipients().size(); i++) {
      PeerRecord inbox = peers.get(e.recipients().get(i));
      if (inbox != null && e.seqs().get(i) >= 0) {
        peers = peers.plus(e.recipients().get(i), inbox.withoutMessage(e.seqs().get(i)));
      }
    }
    List<String> expired = e.recipients().stream().map(this::name).toList();
    record = record.expiredFor(expired);
    PeerRecord sender = peers.get(record.from());
    int before = record.expired().size() - expired.size();
    for (int i = 0; i < expired.size(); i++) {
      if (record.wantsReceipts()) {
        push(record.from(), sender, new ServerFrame.Expired(sender.nextSeq(), e.msgId(), expired.get(i), before + i + 1, record.recipients().size()));
        sender = peers.get(record.from());
      }
    }
    if (record.state() != MessageState.SENT) {
      settled(e.msgId(), record, sender);
    } else {
      messages = messages.plus(e.msgId(), record);
    }
  }

  /** Whether the invitation with this id has registered a peer already. */
  boolean invitationUsed(String id) {
    return usedInvitations.contains(id);
  }

  /** When the earliest time-to-live of an undelivered message runs out, or null when none has one. */
  public Long earliestDeadline() {
    return deadlines.isEmpty() ? null : deadlines.firstKey();
  }

  /** At most {@code max} undelivered messages whose time-to-live has run out by {@code now}, earliest first. */
  List<String> dueBy(long now, int max) {
    List<String> due = new ArrayList<>();
    for (Map.Entry<Long, PSet<String>> entry : deadlines.headMap(now, true).entrySet()) {
      for (String msgId : new java.util.TreeSet<>(entry.getValue())) { // sorted: every replica expires them in one order
        if (due.size() == max) {
          return due;
        }
        due.add(msgId);
      }
    }
    return due;
  }

  /** The record of a message not yet delivered to every recipient, or null. */
  MessageRecord undelivered(String msgId) {
    return messages.get(msgId);
  }

  private static TreePMap<Long, PSet<String>> withDeadline(TreePMap<Long, PSet<String>> deadlines, long at, String msgId) {
    PSet<String> due = deadlines.get(at);
    return deadlines.plus(at, due == null ? HashTreePSet.singleton(msgId) : due.plus(msgId));
  }

  private static TreePMap<Long, PSet<String>> withoutDeadline(TreePMap<Long, PSet<String>> deadlines, long at, String msgId) {
    PSet<String> due = deadlines.get(at);
    if (due == null) {
      return deadlines;
    }
    PSet<String> rest = due.minus(msgId);
    return rest.isEmpty() ? deadlines.minus(at) : deadlines.plus(at, rest);
  }

  /**
   * The recipients as the record keeps them: a direct message's one recipient as that peer's one list (most
   * messages are direct, and a list of one per message is 24 bytes of heap), a group's members as a new list.
   */
  private List<String> recipients(List<String> recipients) {
    if (recipients.size() == 1) {
      return alone.computeIfAbsent(name(recipients.get(0)), List::of);
    }
    // An unmodifiable list, which MessageRecord's List.copyOf keeps as it is (it copies Stream.toList()'s).
    return recipients.stream().map(this::name).collect(Collectors.toUnmodifiableList());
  }

  /** The kept instance of a peer or group name. */
  private String name(String name) {
    return names.getOrDefault(name, name);
  }

  /** Queues a notice for {@code peer} and forwards it live. */
  private void push(String peer, PeerRecord inbox, ServerFrame.Push notice) {
    peers = peers.plus(peer, inbox.push(new InboxItem.Notice(notice)));
    newPushes.computeIfAbsent(peer, p -> new ArrayList<>()).add(notice);
  }

  /**
   * At most {@code max} numbers of settled messages whose bodies the store still holds. In no particular order:
   * the event names them, so a replay drops the same ones; asked before every write, so nothing is sorted.
   */
  /** At most {@code max} records of settled messages still to be written beside the journal, by number, lowest first. */
  List<Map.Entry<Long, MessageRecord>> recordsToKeep(int max) {
    return recordsToKeep.entrySet().stream().limit(max).toList();
  }

  List<Long> bodiesToDrop(int max) {
    return bodiesToDrop.stream().limit(max).toList();
  }
}
