package peerlink.router;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import peerlink.checkpoint.SentId;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.Limits;
import peerlink.protocol.Names;
import peerlink.protocol.ProtocolException;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;

/**
 * The router's rules: decides a batch of commands against the current state, producing the events to
 * persist and the replies to send once they are durable. Pure: no actors run, no I/O, the time is given.
 *
 * <p>A batch is decided against the state as it was before the batch, which is only correct if no command
 * in it depends on another's effect. So a batch (as {@link Router} forms them) is one of:
 *
 * <ul>
 *   <li>commands that do not change peers or groups (see {@link #changesStructure}); the one thing that can
 *       repeat among them, a resent client message id, is tracked here;
 *   <li>consecutive registrations, and nothing else: a registration only adds a peer, and the one way two of
 *       them interact, the same ID twice, is tracked here (the first creates the peer, a later one with the
 *       same key is a login of that new peer, with another key {@code ID_TAKEN});
 *   <li>one other structural command (a change to a group or to whom a peer blocks: {@link GroupRules}) alone.
 * </ul>
 */
final class Decisions {
  private final RouterState state;
  private final Limits limits;
  private final Quotas quotas;
  private final MessageTtl ttl;
  private final RegistrationPolicy.Mode policy;
  /** Invitations used by registrations earlier in this batch (not yet in the state). */
  private final java.util.Set<String> invitationsInBatch = new java.util.HashSet<>();
  private final long now;
  private final EventCheck storable;
  /** What the store keeps beside the journal: the bodies of the pages this batch answers with, recent sends' client ids, delivered records. */
  private final AsideStore aside;
  private final List<RouterEvent> events = new ArrayList<>();
  private final List<RouterCommand.Delivery> replies = new ArrayList<>();
  private final Map<String, ServerFrame.Ok> sentInBatch = new HashMap<>();
  /** Per sender, the messages this batch accepted from it so far: its next send's position is its count plus these. */
  private final Map<String, Long> sendsInBatch = new HashMap<>();
  /** Senders' {@link SendRun}s after this batch's accepted sends (a null value: the batch cleared it). */
  private final Map<String, SendRun> runsInBatch = new HashMap<>();
  /** Per sender, per client id prefix (its hash), the highest number this batch accepted with it. */
  private final Map<String, Map<Long, Long>> highestInBatch = new HashMap<>();
  /** Most stored ids of one prefix read to begin a run; with more, the sender's sends are looked up one by one. */
  static final int RUN_SCAN_LIMIT = 64;
  /** Peers registered earlier in this batch (not yet in the state), with their keys. */
  private final Map<String, String> registeredInBatch = new HashMap<>();
  private long acceptedInBatch;
  /** Messages and body bytes this batch has added to each recipient's inbox so far: the quota counts them too. */
  private final Map<String, long[]> inboxAddedInBatch = new HashMap<>();
  private final GroupRules groups;

  record Decided(List<RouterEvent> events, List<RouterCommand.Delivery> replies) {}

  /** A key whose private half nobody has (it is dropped here): logins as unknown IDs are checked against it. */
  private static final String NOBODYS_KEY = Signatures.encode(Signatures.newKeyPair().getPublic());

  /**
   * Whether the journal can store an event. The events of a batch are
   * written as one atomic write, which the journal takes or refuses whole, and a refused write restarts the
   * registry and loses the batch; so an event that cannot be stored must never join a batch: its command
   * fails alone ({@code NOT_STORABLE}), and the others of the batch go on.
   */
  @FunctionalInterface
  interface EventCheck {
    EventCheck ANY = event -> true;

    boolean storable(RouterEvent event);
  }

  private Decisions(
      RouterState state, Limits limits, Quotas quotas, MessageTtl ttl, RegistrationPolicy.Mode policy, long now, EventCheck storable,
      AsideStore aside) {
    this.aside = aside;
    this.policy = policy;
    this.state = state;
    this.limits = limits;
    this.quotas = quotas;
    this.ttl = ttl;
    this.now = now;
    this.storable = storable;
    this.groups = new GroupRules(state, quotas, now, this::emit);
  }

  static Decided decide(RouterState state, List<RouterCommand.Decidable> batch, Limits limits, long now) {
    return decide(state, batch, limits, Quotas.DEFAULT, now, EventCheck.ANY);
  }

  static Decided decide(RouterState state, List<RouterCommand.Decidable> batch, Limits limits, long now, EventCheck storable) {
    return decide(state, batch, limits, Quotas.DEFAULT, now, storable);
  }

  static Decided decide(RouterState state, List<RouterCommand.Decidable> batch, Limits limits, Quotas quotas, long now) {
    return decide(state, batch, limits, quotas, now, EventCheck.ANY);
  }

  static Decided decide(RouterState state, List<RouterCommand.Decidable> batch, Limits limits, Quotas quotas, long now, EventCheck storable) {
    return decide(state, batch, limits, quotas, MessageTtl.DEFAULT, now, storable);
  }

  static Decided decide(
      RouterState state, List<RouterCommand.Decidable> batch, Limits limits, Quotas quotas, MessageTtl ttl, long now, EventCheck storable) {
    return decide(state, batch, limits, quotas, ttl, RegistrationPolicy.Mode.OPEN, now, storable);
  }

  static Decided decide(
      RouterState state, List<RouterCommand.Decidable> batch, Limits limits, Quotas quotas, MessageTtl ttl, RegistrationPolicy.Mode policy, long now,
      EventCheck storable) {
    return decide(state, batch, limits, quotas, ttl, policy, now, storable, AsideStore.NONE);
  }

  static Decided decide(
      RouterState state, List<RouterCommand.Decidable> batch, Limits limits, Quotas quotas, MessageTtl ttl, RegistrationPolicy.Mode policy, long now,
      EventCheck storable, AsideStore aside) {
    Decisions decisions = new Decisions(state, limits, quotas, ttl, policy, now, storable, aside);
    for (RouterCommand.Decidable command : batch) {
      decisions.decide(command);
    }
    return new Decided(decisions.events, decisions.replies);
  }

  /** Most messages one write expires: a write stays bounded however many expire at once; the rest go in the next. */
  static final int MAX_EXPIRED_PER_WRITE = 1000;

  /**
   * The messages whose time-to-live has run out by {@code now}, each EXPIRED for the recipients that have not
   * acknowledged it: the events to persist before the next batch is decided (so the batch sees them gone).
   * Reads the registry's deadlines from the earliest, never the inboxes; each expired message costs a look
   * through its recipients' inboxes for its sequence numbers, which the event carries so a replay does
   * not look again.
   */
  static List<RouterEvent> expiries(RouterState state, long now, EventCheck storable) {
    Long earliest = state.earliestDeadline();
    if (earliest == null || earliest > now) {
      return List.of();
    }
    List<RouterEvent> events = new ArrayList<>();
    for (String msgId : state.dueBy(now, MAX_EXPIRED_PER_WRITE)) {
      MessageRecord record = state.undelivered(msgId);
      List<String> waiting = record.waiting();
      List<Long> seqs = new ArrayList<>(waiting.size());
      for (String recipient : waiting) {
        PeerRecord inbox = state.peer(recipient);
        seqs.add(inbox == null ? -1L : inbox.seqOf(msgId));
      }
      RouterEvent expired = new RouterEvent.MessageExpired(msgId, List.copyOf(waiting), List.copyOf(seqs), now);
      if (storable.storable(expired)) { // names already stored: it always is
        events.add(expired);
      }
    }
    return events;
  }

  /**
   * Commands that create peers or change groups: they are never batched with other commands, because a later
   * command in the same batch would not see their effect. Registrations are the exception among them:
   * consecutive ones may share a batch with each other (and nothing else), since registering only adds a
   * peer and {@link #register} sees the peers registered earlier in the batch.
   */
  static boolean changesStructure(RouterCommand.Decidable command) {
    if (command instanceof RouterCommand.Execute e) {
      return GroupRules.changesStructure(e.request());
    }
    return command instanceof RouterCommand.RegisterPeer;
  }

  private void decide(RouterCommand.Decidable command) {
    try {
      if (command instanceof RouterCommand.Execute e) {
        execute(e.peer(), e.request(), e.session());
      } else if (command instanceof RouterCommand.Acknowledge a) {
        acknowledge(a);
      } else if (command instanceof RouterCommand.Authenticate a) {
        authenticate(a);
      } else if (command instanceof RouterCommand.RegisterPeer r) {
        register(r);
      } else if (command instanceof RouterCommand.Resume r) {
        resume(r);
      } else if (command instanceof RouterCommand.FetchPushes f) {
        fetch(f);
      }
    } catch (ProtocolException e) {
      reply(command.session(), ServerFrame.Error.of(requestId(command), e));
    }
  }

  /**
   * A login as an ID nobody registered fails exactly like one with the wrong key (same code, same sentence,
   * and a signature verified all the same), so logins do not tell which IDs exist.
   */
  private void authenticate(RouterCommand.Authenticate a) {
    PeerRecord peer = state.peer(a.peer());
    String key = peer != null ? peer.publicKey() : NOBODYS_KEY;
    boolean proven =
        a.verifiedKey() != null
            ? a.verifiedKey().equals(key) // the session verified the signature with this key
            : Signatures.verify(key, a.nonce(), a.peer(), a.signature());
    if (!proven || peer == null) {
      throw new ProtocolException(ErrorCode.AUTH_FAILED);
    }
    attach(a.requestId(), a.peer(), peer, a.lastSeq(), a.session());
  }

  /**
   * Re-attaches a session only when its proof (the nonce and signature of the login that authenticated it)
   * verifies with the peer's registered key; any router node's session can send a resume, and this
   * instance never saw the login. One Ed25519 verification per resuming session, here on the registry's
   * thread, once per failover (docs/replication.md, section 12).
   */
  private void resume(RouterCommand.Resume r) {
    PeerRecord peer = state.peer(r.peer());
    if (peer == null) {
      return; // cannot be: the peer logged in; and an unknown peer has nothing to read
    }
    if (r.nonce() == null || r.signature() == null || !Signatures.verify(peer.publicKey(), r.nonce(), r.peer(), r.signature())) {
      replyTo(r.session(), new ToSession.ResumeRefused(r.peer()));
      return;
    }
    replyTo(r.session(), new ToSession.Resumed(r.peer(), peer.lastSeq(), peer.pageAfter(r.peer(), Math.max(r.after(), peer.ackedSeq()), aside)));
  }

  /** A read, like {@code status}: the next page of the inbox; nothing when the peer is unknown (it cannot be: the session authenticated it). */
  private void fetch(RouterCommand.FetchPushes f) {
    PeerRecord peer = state.peer(f.peer());
    if (peer != null) {
      replyTo(f.session(), new ToSession.Page(peer.lastSeq(), peer.pageAfter(f.peer(), Math.max(f.after(), peer.ackedSeq()), aside)));
    }
  }

  private void register(RouterCommand.RegisterPeer r) {
    Names.requireValid("Peer ID", r.peer());
    // The session has verified the signature with r.publicKey() (see RouterCommand.RegisterPeer).
    PeerRecord existing = state.peer(r.peer());
    String keyInBatch = registeredInBatch.get(r.peer());
    if (existing != null || keyInBatch != null) {
      String registeredKey = existing != null ? existing.publicKey() : keyInBatch;
      if (!registeredKey.equals(r.publicKey())) {
        throw new ProtocolException(ErrorCode.ID_TAKEN, "'" + r.peer() + "' is already registered with another key.");
      }
      // Same key: registering again is a login.
      if (existing != null) {
        attach(r.requestId(), r.peer(), existing, r.lastSeq(), r.session());
      } else {
        // Created earlier in this batch: nothing has been pushed to it yet, so there is no backlog to resume.
        replyTo(r.session(), new ToSession.Attached(r.peer(), ServerFrame.Ok.authenticated(r.requestId(), r.peer(), 0), List.of()));
      }
      return;
    }
    if (state.group(r.peer()) != null) {
      throw new ProtocolException(ErrorCode.NAME_TAKEN, "'" + r.peer() + "' is the name of a group.");
    }
    // A new ID must be an identifier; an existing one (made under the older rule) is still a login above.
    Names.requireNewName("Peer ID", r.peer());
    String invitation = admitNewPeer(r);
    emit(new RouterEvent.PeerRegistered(r.peer(), r.publicKey(), now, invitation));
    if (invitation != null) {
      invitationsInBatch.add(invitation);
    }
    registeredInBatch.put(r.peer(), r.publicKey());
    replyTo(r.session(), new ToSession.Attached(r.peer(), ServerFrame.Ok.authenticated(r.requestId(), r.peer(), 0), List.of()));
  }

  /**
   * The deployment's registration policy for a new ID: the id of the invitation it uses up (null when the
   * router is open), or a refusal saying what to do. Expiry is judged with the primary's clock, once: the
   * event records the outcome.
   */
  private String admitNewPeer(RouterCommand.RegisterPeer r) {
    switch (policy) {
      case OPEN:
        return null;
      case CLOSED:
        throw new ProtocolException(ErrorCode.REGISTRATION_CLOSED,
            "This router takes no new registrations; '" + r.peer() + "' is not registered. Registered peers can still log in.");
      default:
        break;
    }
    if (r.invitation() == null) {
      throw new ProtocolException(ErrorCode.INVITATION_REQUIRED,
          "This router registers new peers only with an invitation: ask its operator for one (bin/peerlink invite) and register with it "
              + "(in the console: REGISTER <invitation>).");
    }
    if (r.invitation().expiresAt() <= now) {
      throw new ProtocolException(ErrorCode.INVITATION_INVALID,
          "The invitation expired at " + java.time.Instant.ofEpochMilli(r.invitation().expiresAt()) + "; ask its operator for a new one.");
    }
    if (state.invitationUsed(r.invitation().id()) || invitationsInBatch.contains(r.invitation().id())) {
      throw new ProtocolException(ErrorCode.INVITATION_INVALID, "The invitation has already been used to register a peer; ask its operator for a new one.");
    }
    return r.invitation().id();
  }

  /** The client's resume point counts as an acknowledgement: it has everything up to it. */
  private void attach(String requestId, String id, PeerRecord peer, long clientSeq, ActorRef<ToSession> session) {
    long resumeFrom = Math.min(clientSeq, peer.lastSeq());
    if (resumeFrom > peer.ackedSeq()) {
      emit(new RouterEvent.InboxAcked(id, resumeFrom));
    }
    long from = Math.max(resumeFrom, peer.ackedSeq());
    replyTo(session, new ToSession.Attached(id, ServerFrame.Ok.authenticated(requestId, id, peer.lastSeq()), peer.pageAfter(id, from, aside)));
  }

  private void execute(String peer, ClientFrame.Request request, ActorRef<ToSession> session) {
    reply(session, answer(peer, request));
  }

  private ServerFrame answer(String peer, ClientFrame.Request request) {
    if (request instanceof ClientFrame.Send s) return send(peer, s);
    if (request instanceof ClientFrame.QueryStatus q) return status(peer, q);
    if (GroupRules.handles(request)) return groups.answer(peer, request);
    throw new ProtocolException(ErrorCode.ALREADY_AUTHENTICATED); // register and login
  }

  private ServerFrame send(String from, ClientFrame.Send s) {
    PeerRecord sender = state.peer(from);
    long sentBefore = sender.sentCount() + sendsInBatch.getOrDefault(from, 0L);
    SendRun.Parsed parsedId = aside.keptAside() ? SendRun.parse(s.id()) : null;
    String known = knownSend(sender, from, s.id(), sentBefore, parsedId);
    if (known != null) {
      MessageRecord record = sentMessage(from, known);
      // A record is forgotten only long after its message was delivered to everyone.
      return record == null
          ? ServerFrame.Ok.sent(s.id(), known, MessageState.DELIVERED.name(), 0, true)
          : ServerFrame.Ok.sent(s.id(), known, record.state().name(), record.recipients().size(), true, rejections(record));
    }
    ServerFrame.Ok earlierInBatch = sentInBatch.get(from + '\u0000' + s.id());
    if (earlierInBatch != null) {
      return ServerFrame.Ok.sent(
          s.id(), earlierInBatch.msgId(), earlierInBatch.state(), earlierInBatch.recipients(), true,
          earlierInBatch.rejected() == null ? List.of() : earlierInBatch.rejected());
    }
    limits.requireMessageSize(s.body());
    Names.requireValid("Receiver", s.to());
    String group = null;
    List<String> recipients;
    if (state.peer(s.to()) != null) {
      if (state.blocks(s.to(), from)) {
        // Refused, not dropped: the sender learns it, as it would from a DELIVERED that never comes (docs/protocol.md, section 10).
        throw new ProtocolException(ErrorCode.BLOCKED, Quotas.blockedBy(s.to()));
      }
      recipients = List.of(s.to());
    } else if (state.group(s.to()) != null) {
      GroupRecord target = state.group(s.to());
      if (!target.hasMember(from)) {
        throw new ProtocolException(ErrorCode.NOT_A_MEMBER, "You are not a member of group '" + s.to() + "'.");
      }
      group = s.to();
      recipients = target.members().stream().filter(m -> !m.equals(from)).toList();
    } else {
      throw new ProtocolException(ErrorCode.UNKNOWN_RECIPIENT, "No peer or group is named '" + s.to() + "'.");
    }
    // Per recipient, a member who blocked the sender and a full inbox refuse the message for that recipient
    // (REJECTED), decided here and journaled in the event, so that a replay gives every recipient the same answer.
    long bodyBytes = Quotas.utf8Length(s.body());
    List<String> accepting = new ArrayList<>(recipients.size());
    List<String> rejected = new ArrayList<>();
    List<String> blocked = new ArrayList<>();
    for (String recipient : recipients) {
      if (group != null && state.blocks(recipient, from)) {
        blocked.add(recipient);
      } else {
        (hasRoom(recipient, bodyBytes) ? accepting : rejected).add(recipient);
      }
    }
    if (accepting.isEmpty() && !(rejected.isEmpty() && blocked.isEmpty())) {
      // Nobody can take it: refused as a whole, nothing is kept, and the same id can be sent again later.
      throw nobodyTakes(s.to(), group, rejected, blocked);
    }
    Long expiresAt = ttl.expiresAt(s.ttl(), now);
    // The client id goes beside the journal, at the sender's next position; a send that begins a window of the
    // sender's sends makes the store forget the window before the last (MessageAccepted.sentIdsForgottenBefore).
    Long position = aside.keptAside() ? sentBefore : null;
    SendRun runAfter = position != null ? runAfter(from, sender, parsedId) : null;
    String msgId = MessageIds.of(state.messageCount() + acceptedInBatch + 1);
    emit(
        new RouterEvent.MessageAccepted(
            msgId, s.id(), from, s.to(), group, List.copyOf(accepting), s.body(), now, s.wantsReceipts() ? null : Boolean.FALSE,
            rejected.isEmpty() ? null : List.copyOf(rejected), blocked.isEmpty() ? null : List.copyOf(blocked), expiresAt,
            aside.keptAside() ? (int) bodyBytes : null, position, null, runAfter));
    acceptedInBatch++; // after emit: a message that cannot be stored takes no message id, nor room in an inbox
    sendsInBatch.merge(from, 1L, Long::sum);
    for (String recipient : accepting) {
      long[] added = inboxAddedInBatch.computeIfAbsent(recipient, r -> new long[2]);
      added[0]++;
      added[1] += bodyBytes;
    }
    ServerFrame.Ok accepted = ServerFrame.Ok.sent(s.id(), msgId, MessageState.SENT.name(), accepting.size(), false, rejections(rejected, blocked));
    sentInBatch.put(from + '\u0000' + s.id(), accepted);
    return accepted;
  }

  /**
   * The message id an earlier send of {@code sender} with this client id got, while it is among the sender's
   * last {@link SentIds#KEPT} sends: kept by the state (from before ids went aside) or by the store. The store
   * deletes an id once the window has passed it, in the same write as the send that moved it; the position
   * check only covers the sends of this batch, not written yet.
   */
  private String knownSend(PeerRecord sender, String from, String clientId, long sentBefore, SendRun.Parsed parsedId) {
    String kept = sender.msgIdFor(clientId);
    if (kept != null || !aside.keptAside()) {
      return kept;
    }
    SendRun run = runOf(from, sender);
    if (run != null && run.provesNew(parsedId)) {
      return null; // above the highest number of its prefix: never sent, no need to ask the store
    }
    SentId stored = aside.sentId(from, clientId);
    return stored != null && stored.position() >= sentBefore - SentIds.KEPT ? MessageIds.of(stored.number()) : null;
  }

  private SendRun runOf(String from, PeerRecord sender) {
    return runsInBatch.containsKey(from) ? runsInBatch.get(from) : sender.run();
  }

  /**
   * The sender's run once this send is accepted: the same when its id is of another form (the run's claim
   * still holds), raised when it has the run's prefix, else a new run for its prefix when every stored id
   * with that prefix can be read (see {@link SendRun}), or none.
   */
  private SendRun runAfter(String from, PeerRecord sender, SendRun.Parsed id) {
    SendRun run = runOf(from, sender);
    SendRun next = id == null ? run : run != null && run.prefix() == id.prefix() ? run.after(id) : newRun(from, sender, id);
    runsInBatch.put(from, next);
    if (id != null) {
      highestInBatch.computeIfAbsent(from, f -> new HashMap<>()).merge(id.prefix(), id.number(), Math::max);
    }
    return next;
  }

  /**
   * A run for the prefix of {@code id}: above every number sent with that prefix that the store keeps (it has
   * every earlier batch) or this batch accepted; null when the state still keeps ids of the sender's or the
   * store holds more than {@link #RUN_SCAN_LIMIT} with the prefix (then its sends are looked up, as before).
   */
  private SendRun newRun(String from, PeerRecord sender, SendRun.Parsed id) {
    if (sender.keepsSentIds()) {
      return null;
    }
    List<String> stored = aside.sentIdsStartingWith(from, id.prefixText() + "-", RUN_SCAN_LIMIT);
    if (stored.size() > RUN_SCAN_LIMIT) {
      return null;
    }
    long highest = id.number();
    for (String other : stored) {
      highest = Math.max(highest, SendRun.numberWithPrefix(other, id.prefixText()));
    }
    Long inBatch = highestInBatch.getOrDefault(from, Map.of()).get(id.prefix());
    return new SendRun(id.prefix(), inBatch == null ? highest : Math.max(highest, inBatch));
  }

  /**
   * A message of {@code sender}'s as the state has it or, once its record is kept beside the journal, the store;
   * null when neither (never another sender's: the store keeps records by sender).
   */
  private MessageRecord sentMessage(String sender, String msgId) {
    MessageRecord record = state.sentMessage(sender, msgId);
    long number = MessageIds.number(msgId);
    return record != null || number < 0 || !aside.keptAside() ? record : aside.keptRecord(sender, number);
  }

  /** Whether {@code recipient}'s inbox, with what this batch added to it, takes one more body of {@code bytes}. */
  private boolean hasRoom(String recipient, long bytes) {
    PeerRecord inbox = state.peer(recipient);
    long[] added = inboxAddedInBatch.getOrDefault(recipient, new long[2]);
    return quotas.inboxHasRoom(inbox.inboxMessages() + added[0], inbox.inboxBytes() + added[1], bytes);
  }

  /**
   * The refusal of a send no recipient takes: INBOX_FULL when some inbox is full (so trying later may help),
   * BLOCKED when every recipient blocked the sender.
   */
  private ProtocolException nobodyTakes(String to, String group, List<String> full, List<String> blocked) {
    if (blocked.isEmpty()) {
      return new ProtocolException(
          ErrorCode.INBOX_FULL, group == null ? quotas.inboxFull(to) : "Every recipient's inbox is full: " + String.join(", ", full) + ". Try again later.");
    }
    if (full.isEmpty()) {
      return new ProtocolException(ErrorCode.BLOCKED, "No member of group '" + group + "' accepts messages from you: " + String.join(", ", blocked) + ".");
    }
    List<String> why = new ArrayList<>();
    full.forEach(peer -> why.add(peer + "'s inbox is full"));
    blocked.forEach(peer -> why.add(peer + " does not accept messages from you"));
    return new ProtocolException(ErrorCode.INBOX_FULL, "No recipient can take it: " + String.join("; ", why) + ". Try again later.");
  }

  /** What the sender is told about the recipients a message was REJECTED for. */
  private List<ServerFrame.Rejection> rejections(MessageRecord record) {
    return rejections(record.rejected(), record.blocked());
  }

  /** The recipients whose inbox was full and those who blocked the sender, by name (the order of the group's members). */
  private List<ServerFrame.Rejection> rejections(List<String> full, List<String> blocked) {
    List<ServerFrame.Rejection> told = new ArrayList<>(full.size() + blocked.size());
    for (String peer : full) {
      told.add(new ServerFrame.Rejection(peer, ErrorCode.INBOX_FULL.name(), quotas.inboxFull(peer)));
    }
    for (String peer : blocked) {
      told.add(new ServerFrame.Rejection(peer, ErrorCode.BLOCKED.name(), Quotas.blockedBy(peer)));
    }
    if (!full.isEmpty() && !blocked.isEmpty()) {
      told.sort(java.util.Comparator.comparing(ServerFrame.Rejection::peer));
    }
    return told;
  }

  private ServerFrame status(String peer, ClientFrame.QueryStatus q) {
    MessageRecord record = sentMessage(peer, q.msgId());
    if (record == null) {
      // Someone else's message is reported as unknown too, so ids reveal nothing about other peers.
      throw new ProtocolException(ErrorCode.UNKNOWN_MESSAGE, "You sent no message with ID '" + q.msgId() + "'.");
    }
    List<ServerFrame.Rejection> rejected = rejections(record);
    return new ServerFrame.MessageStatus(
        q.id(), q.msgId(), record.state().name(), record.recipients(), record.delivered(), rejected.isEmpty() ? null : rejected,
        record.expired().isEmpty() ? null : record.expired());
  }

  private void acknowledge(RouterCommand.Acknowledge a) {
    PeerRecord peer = state.peer(a.peer());
    if (a.upTo() > peer.lastSeq()) {
      throw new ProtocolException(
          ErrorCode.BAD_ACK, "Acknowledged " + a.upTo() + " but the last push to you was " + peer.lastSeq() + ".");
    }
    if (a.upTo() > peer.ackedSeq()) {
      emit(new RouterEvent.InboxAcked(a.peer(), a.upTo()));
    }
  }

  /**
   * Adds an event to the batch, or refuses its command with NOT_STORABLE when the journal could not store it.
   * Called before the command's other effects on this batch (ids taken, peers registered earlier in the
   * batch), so a refused command leaves none.
   */
  private void emit(RouterEvent event) {
    if (!storable.storable(event)) {
      throw new ProtocolException(ErrorCode.NOT_STORABLE);
    }
    events.add(event);
  }

  private void reply(ActorRef<ToSession> session, ServerFrame frame) {
    replyTo(session, new ToSession.Reply(frame));
  }

  private void replyTo(ActorRef<ToSession> session, ToSession message) {
    replies.add(new RouterCommand.Delivery(session, message));
  }

  private static String requestId(RouterCommand.Decidable command) {
    if (command instanceof RouterCommand.Execute e) return e.request().id();
    if (command instanceof RouterCommand.Authenticate a) return a.requestId();
    if (command instanceof RouterCommand.RegisterPeer r) return r.requestId();
    return null; // acknowledgements, resumes and fetches carry no id
  }
}
