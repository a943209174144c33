package peerlink.session;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.FrameBatch;
import peerlink.protocol.FrameCodec;
import peerlink.protocol.OlderReplies;
import peerlink.protocol.Limits;
import peerlink.protocol.Names;
import peerlink.protocol.Protocol;
import peerlink.protocol.ProtocolException;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;
import peerlink.protocol.Invitations;
import peerlink.router.RegistrationPolicy;
import peerlink.router.RouterCommand;
import peerlink.router.ToSession;

/**
 * One connected client: greets it with a nonce, authenticates it through the router, forwards its requests
 * under its proven identity, and writes replies and pushes back (pushes windowed by the client's acks).
 * A bad frame gets an error and the connection stays open.
 *
 * <p>The signature of a {@code register}, and of a {@code login} that names its public key, is verified
 * here rather than in the router singleton, so that many logins are verified in parallel; the router is
 * told which key the session verified.
 */
public final class Session extends AbstractBehavior<SessionMessage> {
  private static final String REGISTER_SIGNATURE_MISMATCH = "The signature does not match the public key offered.";
  private final ActorRef<RouterCommand> router;
  private final ClientLink out;
  private final SessionSettings settings;
  private final TimerScheduler<SessionMessage> timers;
  private final FrameCodec codec;
  /** The protocol version the client named at register or login (null: none): replies take that version's form. */
  private Integer version;
  private final ActorRef<ToSession> routerReplies;
  private final String nonce = Signatures.newNonce();
  /** Requests to the router not answered yet: sent within the node's budget, resent if the router fails over. */
  private final RouterRequests pending;
  private final PushWindow pushes;
  /** Pushes sent without being written, as this connection's version does not know them. */
  private final UnseenPushes unseen = new UnseenPushes();
  /** The authenticated peer, or null before authentication. */
  private String peer;
  /** The id of the register or login request in flight, or null. */
  private String authenticating;
  /** The peer logged in elsewhere; this connection is closing. */
  private boolean replaced;
  /** The signature of this connection's nonce in the register or login in flight. */
  private String authSignature;
  /**
   * The signature of the authentication that succeeded: with {@link #nonce}, the proof of this peer's login
   * that a resume carries to a new router instance, which never saw the login.
   */
  private String loginProof;
  /** The peer the login in flight claims (null when none is, or the authentication in flight is a register). */
  private String loginPeer;
  /** Failed and throttled logins on this connection (see {@link LoginThrottle}). */
  private int failedLogins;
  /** No login is checked before this {@link System#nanoTime} (the backoff after a failed one). */
  private long nextLoginNanos;
  /** Too many failed logins: this connection is closing. */
  private boolean closing;
  /** The router instance requests reach through the proxy, once known; watched to notice a failover. */
  private ActorRef<RouterCommand> instance;
  /** Between losing the instance and hearing of its successor: requests are kept, not sent. */
  private boolean holding;
  /** Frames waiting to be written as one message; null while the client has not said it reads batches. */
  private FrameBatch batch;
  /** A page of pushes (or a resume) asked of the router and not answered yet: one at a time. */
  private boolean fetching;
  /** A resume is not answered yet: the router instance may not know this session. */
  private boolean resuming;
  /** The parts of long replies received so far, by request id (see {@link ToSession.ReplyPart}). */
  private final Map<String, StringBuilder> replyParts = new HashMap<>();
  /** The connection is not read while too many requests wait (settings.maxRequestsInFlight). */
  private boolean inputHeld;
  // Too many errors answered lately (ErrorPace): not read until the budget refills.
  private boolean errorsHeld;
  // What the gateway was last told: read the client or not.
  private boolean holdingInput;
  private final ErrorPace errors;
  private final java.util.ArrayDeque<SessionMessage.FromClient> stashed = new java.util.ArrayDeque<>();
  private static final String ERRORS_TIMER = "errors";
  /** The timer that asks again when a page does not come (the router lost the request, or restarted). */
  private static final String PAGE_TIMER = "page";

  public static Behavior<SessionMessage> create(
      ActorRef<RouterCommand> router, ClientLink out, SessionSettings settings, ActorRef<SessionDirectory.Command> directory) {
    return Behaviors.setup(
        context -> {
          directory.tell(new SessionDirectory.Register(context.getSelf()));
          return Behaviors.withTimers(timers -> new Session(context, timers, router, out, settings));
        });
  }

  private Session(
      ActorContext<SessionMessage> context,
      TimerScheduler<SessionMessage> timers,
      ActorRef<RouterCommand> router,
      ClientLink out,
      SessionSettings settings) {
    super(context);
    this.timers = timers;
    this.router = router;
    this.out = out;
    this.settings = settings;
    this.errors = new ErrorPace(settings.errors());
    this.codec = new FrameCodec(settings.limits());
    this.pushes = new PushWindow(settings.pushWindow());
    this.routerReplies = context.messageAdapter(ToSession.class, SessionMessage.FromRouter::new);
    ActorRef<SessionMessage> self = context.getSelf();
    this.pending = new RouterRequests(settings.requestBudget(), () -> self.tell(new SessionMessage.PermitFree()));
    write(new ServerFrame.Welcome(Protocol.VERSIONS, nonce, settings.serverName()));
  }

  @Override
  public Receive<SessionMessage> createReceive() {
    return newReceiveBuilder()
        .onMessage(SessionMessage.FromClient.class, this::fromClient)
        .onMessage(SessionMessage.FromRouter.class, this::fromRouter)
        .onMessage(SessionMessage.RequestTimedOut.class, this::timedOut)
        .onMessage(SessionMessage.PageOverdue.class, overdue -> pageOverdue())
        .onMessage(SessionMessage.RouterKnown.class, this::routerKnown)
        .onMessage(SessionMessage.RouterLost.class, this::routerLost)
        .onMessage(SessionMessage.RouterRestarted.class, this::routerRestarted)
        .onMessage(SessionMessage.Flush.class, f -> flush())
        .onMessage(SessionMessage.ErrorsForgiven.class, f -> errorsForgiven())
        .onMessage(SessionMessage.PermitFree.class, free -> permitFree())
        .onMessage(SessionMessage.ClientGone.class, gone -> Behaviors.stopped())
        .onSignal(PostStop.class, stop -> stopped())
        .build();
  }

  private Behavior<SessionMessage> fromClient(SessionMessage.FromClient message) {
    if (errorsHeld || !stashed.isEmpty()) {
      // The gateway stops reading the socket when told, but what it had read by then still comes: it waits
      // here, in order, for the pace (bounded by what one read of the socket can hold).
      stashed.add(message);
      return this;
    }
    return readFromClient(message);
  }

  private Behavior<SessionMessage> readFromClient(SessionMessage.FromClient message) {
    out.taken();
    int maxFrames = peer == null ? settings.maxFramesBeforeLogin() : Limits.MAX_FRAMES_PER_MESSAGE;
    for (FrameCodec.Decoded decoded : codec.decodeClientMessage(message.text(), maxFrames)) {
      if (replaced || closing) {
        return this; // closing: this connection no longer speaks for its peer, or failed too many logins
      }
      if (decoded.error() != null) {
        write(ServerFrame.Error.of(decoded.id(), decoded.error()));
        continue;
      }
      try {
        handle(decoded.frame());
      } catch (ProtocolException e) {
        write(ServerFrame.Error.of(decoded.id(), e));
        if (decoded.frame() instanceof ClientFrame.Login login && e.code() == ErrorCode.AUTH_FAILED) {
          loginFailed(login.peer()); // a signature that does not verify with the key the login names
        } else if (e.code() == ErrorCode.LOGIN_THROTTLED) {
          closeIfTooManyFailures();
        }
      }
    }
    return this;
  }

  private void handle(ClientFrame frame) {
    if (frame instanceof ClientFrame.Ack ack) {
      acknowledge(ack.upTo());
    } else if (frame instanceof ClientFrame.Register r) {
      requireUnauthenticated(r.version());
      Names.requireValid("Peer ID", r.peer()); // the name is checked before the signature, as before
      requireSignedBy(r.publicKey(), r.peer(), r.signature(), REGISTER_SIGNATURE_MISMATCH);
      settings.registrations().take(out.remoteAddress()); // after the signature: only a well-formed registration counts
      batchFor(r.version());
      version = r.version();
      ask(r.id(), new RouterCommand.RegisterPeer(r.id(), r.peer(), r.publicKey(), seq(r.lastSeq()), routerReplies, invitation(r.invitation())));
      authenticating = r.id();
      out.loginPending(true);
      authSignature = r.signature();
    } else if (frame instanceof ClientFrame.Login l) {
      requireUnauthenticated(l.version());
      // No registered ID breaks the basic rule, and this bounds what the per-ID count keeps (64 characters an ID).
      Names.requireValid("Peer ID", l.peer());
      requireLoginAllowed();
      if (l.publicKey() != null) {
        requireSignedBy(l.publicKey(), l.peer(), l.signature(), ErrorCode.AUTH_FAILED.sentence());
      }
      batchFor(l.version());
      version = l.version();
      ask(l.id(), new RouterCommand.Authenticate(l.id(), l.peer(), nonce, l.signature(), l.publicKey(), seq(l.lastSeq()), routerReplies));
      authenticating = l.id();
      out.loginPending(true);
      authSignature = l.signature();
      loginPeer = l.peer();
    } else if (frame instanceof ClientFrame.Request request) {
      if (peer == null) {
        throw new ProtocolException(ErrorCode.NOT_AUTHENTICATED);
      }
      if (request instanceof ClientFrame.Send send) {
        // Here, not only in the router: a request between nodes never carries more than one maximal body.
        settings.limits().requireMessageSize(send.body());
      }
      ask(request.id(), new RouterCommand.Execute(peer, request, routerReplies));
    }
  }

  /**
   * Verifies here, not in the router singleton, that {@code signature} is this connection's nonce signed for
   * {@code claimed} with {@code publicKey}: Ed25519 verification is the costly part of a login, and session
   * actors do it in parallel. A bad key is BAD_FRAME and a bad signature AUTH_FAILED, and the router hears
   * nothing of either.
   */
  private void requireSignedBy(String publicKey, String claimed, String signature, String failure) {
    Signatures.requirePublicKey(publicKey);
    if (!Signatures.verify(publicKey, nonce, claimed, signature)) {
      throw new ProtocolException(ErrorCode.AUTH_FAILED, failure);
    }
  }

  /**
   * The invitation a registration carries, its MAC checked with the deployment's secret (INVITATION_INVALID
   * when it fails); null when it carries none, or when the router does not register by invitation (then a
   * token means nothing).
   */
  private Invitations.Invitation invitation(String token) {
    RegistrationPolicy policy = settings.registration();
    if (token == null || policy.mode() != RegistrationPolicy.Mode.INVITE) {
      return null;
    }
    return Invitations.verify(policy.secret(), token);
  }

  /**
   * A login sent before the backoff after the last failed one ended is refused unchecked, and counts as a
   * failure on this connection (not for the ID: it proved nothing either way): the wait starts again, doubled.
   */
  private void requireLoginAllowed() {
    long now = System.nanoTime();
    long early = nextLoginNanos - now;
    if (failedLogins > 0 && early > 0) {
      failedLogins++;
      nextLoginNanos = now + settings.logins().limits().backoffAfter(failedLogins).toNanos(); // hammering waits longer
      throw new ProtocolException(ErrorCode.LOGIN_THROTTLED,
          "Too many failed logins on this connection; wait " + Math.max(1, early / 1_000_000) + " ms before the next one.");
    }
  }

  /**
   * Counts a failed login (after its AUTH_FAILED is written): on this connection, which waits longer before
   * each next one and is closed after too many, and for the ID on this node, over whose budget the
   * connection is closed at once.
   */
  private void loginFailed(String claimed) {
    failedLogins++;
    LoginThrottle throttle = settings.logins();
    boolean idHasBudget = throttle.failed(claimed);
    nextLoginNanos = System.nanoTime() + throttle.limits().backoffAfter(failedLogins).toNanos();
    if (!closeIfTooManyFailures() && !idHasBudget) {
      close(new ProtocolException(ErrorCode.LOGIN_THROTTLED,
          "Too many failed logins for this ID on this server; this connection is closed."));
    }
  }

  private boolean closeIfTooManyFailures() {
    if (failedLogins < settings.logins().limits().perConnection()) {
      return false;
    }
    close(new ProtocolException(ErrorCode.LOGIN_THROTTLED, "Too many failed logins on this connection (" + failedLogins + "); it is closed."));
    return true;
  }

  /** Writes why (an error without id), then closes the connection once it is flushed; nothing more is read. */
  private void close(ProtocolException why) {
    closing = true;
    pending.ids().forEach(timers::cancel);
    pending.clear();
    write(ServerFrame.Error.of(null, why));
    flush();
    out.close(); // the session stops when the connection is gone (ClientGone)
  }

  /** A client that speaks version 2 reads several frames per message: from now on its frames are batched. */
  private void batchFor(Integer version) {
    if (version != null && version >= Protocol.FIRST_BATCHING_VERSION && batch == null) {
      batch = new FrameBatch(FrameBatch.DEFAULT_MAX_CHARS);
    }
  }

  private void requireUnauthenticated(Integer version) {
    if (peer != null) {
      throw new ProtocolException(ErrorCode.ALREADY_AUTHENTICATED);
    }
    if (authenticating != null) {
      throw new ProtocolException(ErrorCode.ALREADY_AUTHENTICATED, "An authentication is already in progress.");
    }
    if (version != null && !Protocol.VERSIONS.contains(version)) {
      throw new ProtocolException(
          ErrorCode.UNSUPPORTED_VERSION, "Version " + version + " is not supported; this server speaks " + Protocol.VERSIONS + ".");
    }
  }

  private void acknowledge(long upTo) {
    if (peer == null) {
      throw new ProtocolException(ErrorCode.NOT_AUTHENTICATED);
    }
    long before = pushes.ackedUpTo();
    if (!pushes.acknowledge(upTo)) {
      throw new ProtocolException(ErrorCode.BAD_ACK, "Acknowledged " + upTo + " but was sent only up to a lower sequence number.");
    }
    unseen.coverAfter(pushes);
    if (pushes.ackedUpTo() > before) {
      acknowledgeToRouter();
      pump();
    }
  }

  private void acknowledgeToRouter() {
    if (!holding) { // else it goes to the next instance, after the resume
      target().tell(new RouterCommand.Acknowledge(peer, pushes.ackedUpTo(), routerReplies));
    }
  }

  private void ask(String id, RouterCommand command) {
    if (!inputHeld && pending.size() >= settings.maxRequestsInFlight()) {
      inputHeld = true;
      updateHold();
    }
    timers.startSingleTimer(id, new SessionMessage.RequestTimedOut(id), settings.requestTimeout());
    pending.add(id, command, !holding, target()::tell);
  }

  /** A request of another session was answered: send what waits here for a permit, unless the router is changing. */
  private Behavior<SessionMessage> permitFree() {
    pending.woken(!holding, target()::tell);
    return this;
  }

  /** Whatever is still in flight gives its permits back to the node. */
  private Behavior<SessionMessage> stopped() {
    pending.clear();
    return this;
  }

  private Behavior<SessionMessage> fromRouter(SessionMessage.FromRouter message) {
    ToSession reply = message.message();
    if (reply instanceof ToSession.Pushed pushed) {
      if (peer != null) {
        pushes.live(pushed.pushes());
        pump();
      }
    } else if (reply instanceof ToSession.Reply r) {
      answer(r.frame());
    } else if (reply instanceof ToSession.ReplyPart part) {
      replyPart(part);
    } else if (reply instanceof ToSession.Attached attached) {
      attached(attached);
    } else if (reply instanceof ToSession.Resumed resumed) {
      resuming = false;
      paged(resumed.lastSeq(), resumed.backlog());
    } else if (reply instanceof ToSession.ResumeRefused) {
      resumeRefused();
    } else if (reply instanceof ToSession.Page page) {
      paged(page.lastSeq(), page.pushes());
    } else if (reply instanceof ToSession.Replaced) {
      write(ServerFrame.Error.of(null, new ProtocolException(ErrorCode.SESSION_REPLACED)));
      flush();
      // Close after the error is flushed; stopping now would cancel the socket with the frame unsent.
      // The session stops when the connection is gone (ClientGone).
      out.close();
      peer = null;
      replaced = true;
    }
    return this;
  }

  private void answer(ServerFrame frame) {
    String id = frame instanceof ServerFrame.Reply reply ? reply.id() : null;
    if (id == null) {
      write(frame); // an error about an acknowledgement
      return;
    }
    String login = id.equals(authenticating) ? loginPeer : null;
    if (answered(id)) {
      write(OlderReplies.forVersion(frame, version));
      if (login != null && frame instanceof ServerFrame.Error error && ErrorCode.AUTH_FAILED.name().equals(error.code())) {
        loginFailed(login);
      }
    }
  }

  /**
   * The new router instance did not accept this connection's proof of login and did not attach it: this
   * connection can no longer act for its peer. It is closed with AUTH_FAILED; the client logs in afresh.
   */
  private void resumeRefused() {
    if (peer == null) {
      return;
    }
    timers.cancel(PAGE_TIMER);
    resuming = false;
    fetching = false;
    getContext().getLog().warn("The router refused to resume '{}' on this connection: its proof of login did not verify", peer);
    peer = null;
    close(new ProtocolException(ErrorCode.AUTH_FAILED,
        "This connection's login could not be confirmed by the router after a failover; log in again."));
  }

  /** Collects the parts of a long reply; the last one answers the request with them joined. */
  private void replyPart(ToSession.ReplyPart part) {
    StringBuilder text = replyParts.computeIfAbsent(part.id(), id -> new StringBuilder()).append(part.json());
    if (part.last()) {
      replyParts.remove(part.id());
      if (answered(part.id())) {
        writeJson(OlderReplies.inVersion(text.toString(), version, codec));
      }
    }
  }

  /** Marks request {@code id} answered; false when it was not pending (it timed out, and the client will retry). */
  private boolean answered(String id) {
    if (!pending.remove(id)) {
      return false;
    }
    fewerInFlight();
    timers.cancel(id);
    if (id.equals(authenticating)) {
      authenticating = null; // a failed register or login: the client may try again
      out.loginPending(false);
      loginPeer = null;
    }
    return true;
  }

  /** A page of the inbox, asked for by this session (or the first after a resume). */
  private void paged(long lastSeq, List<ServerFrame.Push> page) {
    fetching = false;
    timers.cancel(PAGE_TIMER);
    if (peer != null) {
      pushes.page(lastSeq, page);
      pump();
    }
  }

  /**
   * No page came within the request timeout: the router lost the request (a restart of its registry after a
   * failed write drops a batch). Asked again; a lost resume as a resume, since the router may not have
   * attached this session either. (Not every overdue fetch as a resume: re-attaching would replace a newer
   * session of the same peer that logged in meanwhile.)
   */
  private Behavior<SessionMessage> pageOverdue() {
    fetching = false;
    if (peer != null && !holding) {
      if (resuming) {
        resume();
      } else {
        fetchIfRoom();
      }
    }
    return this;
  }

  /** Asks the router for the next page when the window has room for it and none is on its way. */
  private void fetchIfRoom() {
    if (peer != null && !fetching && !holding && pushes.wantsPage()) {
      fetching = true;
      timers.startSingleTimer(PAGE_TIMER, new SessionMessage.PageOverdue(), settings.requestTimeout());
      target().tell(new RouterCommand.FetchPushes(peer, pushes.queuedUpTo(), routerReplies));
    }
  }

  /** Attaches to the router instance and asks for the first page after the last push held here. */
  private void resume() {
    fetching = true;
    resuming = true;
    timers.startSingleTimer(PAGE_TIMER, new SessionMessage.PageOverdue(), settings.requestTimeout());
    target().tell(new RouterCommand.Resume(peer, pushes.queuedUpTo(), nonce, loginProof, routerReplies));
  }

  private void attached(ToSession.Attached attached) {
    if (!pending.remove(attached.reply().id())) {
      return;
    }
    fewerInFlight();
    out.authenticated();
    timers.cancel(attached.reply().id());
    authenticating = null;
    peer = attached.peer();
    loginProof = authSignature; // only one authentication is in flight at a time: this is the one that succeeded
    getContext().getLog().debug("Session authenticated as {}", peer);
    long resumeAfter =
        attached.backlog().isEmpty() ? attached.reply().lastSeq() : attached.backlog().get(0).seq() - 1;
    pushes.start(resumeAfter, attached.reply().lastSeq());
    write(attached.reply());
    pushes.page(attached.reply().lastSeq(), attached.backlog());
    pump();
  }

  private Behavior<SessionMessage> routerKnown(SessionMessage.RouterKnown known) {
    if (instance == null) {
      follow(known.router());
    }
    return this;
  }

  /**
   * The instance is gone: new requests wait, so none can overtake the ones it lost (they are resent
   * first, in order, to the next instance). Per-sender order survives the failover this way.
   */
  private Behavior<SessionMessage> routerLost(SessionMessage.RouterLost lost) {
    if (lost.router().equals(instance)) {
      holding = true;
    }
    return this;
  }

  /** Requests the old instance never answered are resent with their ids, so none is lost or doubled. */
  private Behavior<SessionMessage> routerRestarted(SessionMessage.RouterRestarted restarted) {
    if (restarted.router().equals(instance) && !holding) {
      return this;
    }
    follow(restarted.router());
    holding = false;
    replyParts.clear(); // the pending requests go again, and their answers come whole from the new instance
    if (peer != null) {
      resume();
      if (pushes.ackedUpTo() > 0) {
        // An acknowledgement held back meanwhile, or lost with the old instance; a repeated one changes nothing.
        target().tell(new RouterCommand.Acknowledge(peer, pushes.ackedUpTo(), routerReplies));
      }
    }
    pending.resend(target()::tell);
    return this;
  }

  /**
   * The known router instance, else the singleton proxy. Not the proxy once the instance is known: the
   * proxy buffers what arrives after it notices a failover and would deliver it ahead of the requests the
   * old instance lost, which this session resends only when the successor announces itself.
   */
  private ActorRef<RouterCommand> target() {
    return instance != null ? instance : router;
  }

  private void follow(ActorRef<RouterCommand> next) {
    if (instance != null) {
      getContext().unwatch(instance);
    }
    instance = next;
    getContext().watchWith(next, new SessionMessage.RouterLost(next));
  }

  private Behavior<SessionMessage> timedOut(SessionMessage.RequestTimedOut timeout) {
    if (holding && pending.contains(timeout.id())) {
      // The router is known to be failing over: the request will be resent in order to its successor.
      // Timing it out now would let the client's retry land behind newer requests.
      timers.startSingleTimer(timeout.id(), timeout, settings.requestTimeout());
      return this;
    }
    if (pending.remove(timeout.id())) {
      fewerInFlight();
      if (timeout.id().equals(authenticating)) {
        authenticating = null;
        out.loginPending(false);
      }
      write(ServerFrame.Error.of(timeout.id(), new ProtocolException(ErrorCode.UNAVAILABLE, "The router did not answer in time; retry.")));
    }
    return this;
  }

  /** Reads the connection again once half of the requests in flight are answered. */
  private void fewerInFlight() {
    if (inputHeld && pending.size() <= settings.maxRequestsInFlight() / 2) {
      inputHeld = false;
      updateHold();
    }
  }

  /**
   * Writes the pushes the window lets through; one this connection's version does not know (an {@code expired}
   * push before version 3) is skipped, and acknowledged here once the client has everything before it, since
   * the client cannot: else it would wait in the inbox for good. That moves the window, so it pumps again.
   */
  private void pump() {
    boolean covered;
    do {
      for (ServerFrame.Push push = pushes.next(); push != null; push = pushes.next()) {
        if (OlderReplies.knows(push, version)) {
          write(push);
        } else {
          unseen.add(push.seq());
        }
      }
      long before = pushes.ackedUpTo();
      unseen.coverAfter(pushes);
      covered = pushes.ackedUpTo() > before;
      if (covered) {
        acknowledgeToRouter();
      }
    } while (covered);
    fetchIfRoom();
  }

  /**
   * Without batching, one frame per message. With it, frames wait in the batch until the messages already
   * in this actor's mailbox are handled (the flush is queued behind them), so a burst of replies and pushes
   * leaves as a few messages.
   */
  private void write(ServerFrame frame) {
    writeJson(FrameCodec.encode(frame));
    if (frame instanceof ServerFrame.Error error) {
      long wait = errors.charge(error.code());
      if (wait > 0 && !errorsHeld) {
        errorsHeld = true;
        updateHold();
        timers.startSingleTimer(ERRORS_TIMER, new SessionMessage.ErrorsForgiven(), Duration.ofNanos(wait));
      }
    }
  }

  /** The error budget may have refilled: read the client again if it has, else look again when it will. */
  private Behavior<SessionMessage> errorsForgiven() {
    long wait = errors.waitNanos();
    if (wait > 0) {
      timers.startSingleTimer(ERRORS_TIMER, new SessionMessage.ErrorsForgiven(), Duration.ofNanos(wait));
    } else if (errorsHeld) {
      errorsHeld = false;
      while (!errorsHeld && !stashed.isEmpty()) {
        readFromClient(stashed.poll());
      }
      updateHold();
    }
    return this;
  }

  /** Whether the gateway reads the client: not while too many requests are in flight, nor while its errors are paced. */
  private void updateHold() {
    boolean hold = inputHeld || errorsHeld;
    if (hold != holdingInput) {
      holdingInput = hold;
      out.holdInput(hold);
    }
  }

  private void writeJson(String json) {
    if (batch == null) {
      out.send(json);
    } else {
      batch.write(json, this::send, () -> getContext().getSelf().tell(new SessionMessage.Flush()));
    }
  }

  private Behavior<SessionMessage> flush() {
    if (batch != null) {
      batch.flush(this::send);
    }
    return this;
  }

  private void send(String text) {
    out.send(text);
  }

  private static long seq(Long lastSeq) {
    return lastSeq == null ? 0 : lastSeq;
  }


}
