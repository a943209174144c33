package peerlink.client;

import io.netty.handler.ssl.SslContext;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
import peerlink.protocol.Limits;
import peerlink.protocol.Protocol;
import peerlink.protocol.ProtocolException;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;

/**
 * The actor behind one {@link PeerLinkClient}: owns the WebSocket to one router node at a time, logs in (or
 * registers), resends every unanswered request after a reconnect (same ids, so sends are never doubled),
 * hands each push to the listener once and in order, and acknowledges pushes in batches.
 *
 * <p>Every future it is given is completed, one way or the other: by the router's answer, by the request's
 * deadline, by a refusal that means no login can follow (the ID is another key's, this peer has no key,
 * the session was replaced), or by close.
 */
final class ClientConnection extends AbstractBehavior<ClientCommand> {
  private static final int ACK_EVERY = 256;
  private static final String SWEEP_TIMER = "sweep-deadlines";
  /** How long a closed client still answers late calls before its actor stops. */
  private static final Duration CLOSED_LINGER = Duration.ofSeconds(10);

  private final ClientOptions options;
  private final ClientListener listener;
  private final TimerScheduler<ClientCommand> timers;
  private final FrameCodec codec = new FrameCodec(Limits.DEFAULT);
  private final ClientRuntime runtime;
  /** Unanswered requests in submission order; all are resent after each new login. */
  private final Map<String, PendingRequest<?>> pending = new LinkedHashMap<>();
  /** register() and loggedIn() calls waiting for the next login. */
  private final List<LoginWait> loginWaits = new ArrayList<>();

  private int generation;
  private int serverIndex = -1;
  private String server;
  private ClientSocket out;
  private final SslContext tls;
  private Duration backoff;
  private String nonce;
  private String authId;
  private boolean authenticated;
  /** The answer to the current connection's login, while it is logged in. */
  private ServerFrame.Ok login;
  /** A register() is under way: authenticate with a register frame (and a new key if there is none). */
  private boolean registering;
  /** The invitation token of the register() under way, or null. */
  private String invitation;
  /** The key create() made for the registration under way, forgotten if the router refuses the ID for good. */
  private KeyPair createdKey;
  /**
   * Why this client cannot log in until the application registers (or at all, after SESSION_REPLACED); null
   * while it can. Requests made meanwhile fail at once with it instead of waiting for a login that will not come.
   */
  private PeerLinkException cannotLogIn;
  private long lastSeq;
  private long ackedUpTo;
  private boolean ackScheduled;
  private CompletableFuture<Void> closing;
  /** The version agreed with the current connection's router (from its welcome). */
  private int version = Protocol.CURRENT_VERSION;
  /** Frames for the current connection waiting to leave as one message (version 2), or null. */
  private FrameBatch batch;
  private boolean replaced;
  /** A request was refused as UNAVAILABLE and waits to be resent; newer ones wait behind it. */
  private boolean retrying;
  /** When the deadline sweep is due ({@link System#nanoTime()}), or Long.MAX_VALUE when none is scheduled. */
  private long sweepAt = Long.MAX_VALUE;

  /** A caller waiting for the next login, until {@code deadline}. */
  private record LoginWait(CompletableFuture<ServerFrame.Ok> reply, long deadline) {}

  /** {@code tls} is the TLS setup made from {@code options.tls()}, so a bad CA file fails the caller, not this actor. */
  static Behavior<ClientCommand> create(ClientOptions options, SslContext tls, ClientListener listener, ClientRuntime runtime) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new ClientConnection(context, timers, options, tls, listener, runtime)));
  }

  private ClientConnection(
      ActorContext<ClientCommand> context,
      TimerScheduler<ClientCommand> timers,
      ClientOptions options,
      SslContext tls,
      ClientListener listener,
      ClientRuntime runtime) {
    super(context);
    this.runtime = runtime;
    this.options = options;
    this.tls = tls;
    this.listener = listener;
    this.timers = timers;
    this.backoff = options.minBackoff();
    this.lastSeq = options.resume().load();
    this.ackedUpTo = lastSeq;
    context.getSelf().tell(new ClientCommand.Connect());
  }

  @Override
  public Receive<ClientCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(ClientCommand.Submit.class, s -> submit(s.request()))
        .onMessage(ClientCommand.Register.class, this::register)
        .onMessage(ClientCommand.AwaitLogin.class, this::awaitLogin)
        .onMessage(ClientCommand.Close.class, this::close)
        .onMessage(ClientCommand.Connect.class, c -> connect())
        .onMessage(ClientCommand.Upgraded.class, u -> this)
        .onMessage(ClientCommand.ConnectFailed.class, f -> lost(f.generation(), f.reason()))
        .onMessage(ClientCommand.Closed.class, c -> lost(c.generation(), "connection closed"))
        .onMessage(ClientCommand.Received.class, this::received)
        .onMessage(ClientCommand.FlushAck.class, f -> flushAck())
        .onMessage(ClientCommand.FlushWrites.class, f -> flushWrites())
        .onMessage(ClientCommand.ResendPending.class, r -> resendPending())
        .onMessage(ClientCommand.SweepDeadlines.class, d -> sweepDeadlines())
        .onMessage(ClientCommand.CloseDeadline.class, d -> finish())
        .onSignal(PostStop.class, stop -> stopped())
        .build();
  }

  // ---- the application's calls

  private Behavior<ClientCommand> submit(PendingRequest<?> request) {
    if (closing != null) {
      request.fail(new PeerLinkException(ErrorCode.CLOSED, "The client is closing."));
      return this;
    }
    if (!authenticated && cannotLogIn != null) {
      request.fail(cannotLogIn);
      return this;
    }
    pending.put(request.id(), request);
    sweepBy(request.deadline());
    if (authenticated && !retrying) {
      write(request.request());
    }
    return this;
  }

  private Behavior<ClientCommand> register(ClientCommand.Register register) {
    if (authenticated) {
      register.reply().complete(login);
      return this;
    }
    if (replaced || closing != null) {
      register.reply().completeExceptionally(replaced ? cannotLogIn : new PeerLinkException(ErrorCode.CLOSED, "The client is closing."));
      return this;
    }
    cannotLogIn = null; // a new attempt: requests wait for its outcome again
    registering = true;
    invitation = register.invitation();
    loginWaits.add(new LoginWait(register.reply(), register.deadline()));
    sweepBy(register.deadline());
    if (nonce != null && authId == null) {
      authenticate();
    }
    return this;
  }

  private Behavior<ClientCommand> awaitLogin(ClientCommand.AwaitLogin await) {
    if (authenticated) {
      await.reply().complete(login);
    } else if (cannotLogIn != null || closing != null) {
      await.reply().completeExceptionally(cannotLogIn != null ? cannotLogIn : new PeerLinkException(ErrorCode.CLOSED, "The client is closing."));
    } else {
      loginWaits.add(new LoginWait(await.reply(), await.deadline()));
      sweepBy(await.deadline());
    }
    return this;
  }

  private Behavior<ClientCommand> close(ClientCommand.Close close) {
    if (closing != null) {
      closing.whenComplete((done, failure) -> close.done().complete(null));
      return this;
    }
    closing = close.done();
    if (!outstanding() || close.grace().isZero()) {
      return finish();
    }
    timers.startSingleTimer(new ClientCommand.CloseDeadline(), close.grace());
    return this;
  }

  private Behavior<ClientCommand> finish() {
    flushAck();
    flushWrites();
    failAll(new PeerLinkException(ErrorCode.CLOSED, "The client was closed before the router answered; the request may or may not have taken effect."));
    if (out != null) {
      out.close();
    }
    if (closing != null) {
      closing.complete(null);
    }
    return closed();
  }

  /**
   * After close: whatever the application still sends (from another thread, just after close) is answered
   * CLOSED rather than lost as a dead letter; the actor stops once such stragglers have had time to arrive.
   */
  private Behavior<ClientCommand> closed() {
    PeerLinkException closed = new PeerLinkException(ErrorCode.CLOSED, "The client is closed.");
    timers.startSingleTimer(new ClientCommand.Stop(), CLOSED_LINGER);
    return Behaviors.receive(ClientCommand.class)
        .onMessage(ClientCommand.Submit.class, s -> {
          s.request().fail(closed);
          return Behaviors.same();
        })
        .onMessage(ClientCommand.Register.class, r -> {
          r.reply().completeExceptionally(closed);
          return Behaviors.same();
        })
        .onMessage(ClientCommand.AwaitLogin.class, a -> {
          a.reply().completeExceptionally(closed);
          return Behaviors.same();
        })
        .onMessage(ClientCommand.Close.class, c -> {
          c.done().complete(null);
          return Behaviors.same();
        })
        .onMessage(ClientCommand.Stop.class, stop -> Behaviors.stopped())
        .onMessage(ClientCommand.class, ignored -> Behaviors.same()) // the socket's last events
        .build();
  }

  /** The runtime shut down under this client: nothing it waits for can come any more. */
  private Behavior<ClientCommand> stopped() {
    failAll(new PeerLinkException(ErrorCode.CLOSED, "The client's runtime was closed before the router answered."));
    if (out != null) {
      out.close();
    }
    if (closing != null) {
      closing.complete(null);
    }
    return this;
  }

  // ---- deadlines

  /** Makes sure a sweep runs by {@code deadline}. */
  private void sweepBy(long deadline) {
    if (deadline < sweepAt) {
      sweepAt = deadline;
      timers.startSingleTimer(SWEEP_TIMER, new ClientCommand.SweepDeadlines(), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
  }

  /** Fails every request and login wait whose deadline has passed; the rest set the next sweep. */
  private Behavior<ClientCommand> sweepDeadlines() {
    long now = System.nanoTime();
    sweepAt = Long.MAX_VALUE;
    long next = Long.MAX_VALUE;
    for (var it = pending.values().iterator(); it.hasNext(); ) {
      PendingRequest<?> request = it.next();
      if (request.deadline() - now <= 0) {
        it.remove();
        request.fail(new PeerLinkException(ErrorCode.TIMED_OUT, timedOut()));
      } else {
        next = Math.min(next, request.deadline());
      }
    }
    for (var it = loginWaits.iterator(); it.hasNext(); ) {
      LoginWait wait = it.next();
      if (wait.deadline() - now <= 0) {
        it.remove();
        wait.reply().completeExceptionally(new PeerLinkException(ErrorCode.TIMED_OUT, "Not logged in within the deadline (" + connectionState() + ")."));
      } else {
        next = Math.min(next, wait.deadline());
      }
    }
    if (loginWaits.isEmpty()) {
      registering = false;
    }
    if (next != Long.MAX_VALUE) {
      sweepBy(next);
    }
    if (closing != null && !outstanding()) {
      return finish();
    }
    return this;
  }

  /** What a graceful close waits for: unanswered requests and a registration under way. */
  private boolean outstanding() {
    return !pending.isEmpty() || registering;
  }

  private void finishIfDone() {
    if (closing != null && !outstanding()) {
      getContext().getSelf().tell(new ClientCommand.CloseDeadline());
    }
  }

  private String timedOut() {
    return "The router did not answer within the request's deadline (" + connectionState() + "); it may or may not have taken effect.";
  }

  private String connectionState() {
    if (authenticated) {
      return "logged in on " + server;
    }
    return out == null || nonce == null ? "not connected; last tried " + server : "connected to " + server + ", not logged in yet";
  }

  /** Fails every login wait (a registration first: it was asked before the requests queued behind it), then every request. */
  private void failAll(PeerLinkException failure) {
    List<LoginWait> waits = List.copyOf(loginWaits);
    loginWaits.clear();
    registering = false;
    waits.forEach(wait -> wait.reply().completeExceptionally(failure));
    List<PendingRequest<?>> requests = List.copyOf(pending.values());
    pending.clear();
    requests.forEach(request -> request.fail(failure));
  }

  // ---- the connection

  private Behavior<ClientCommand> connect() {
    generation++;
    int current = generation;
    serverIndex = (serverIndex + 1) % options.servers().size();
    server = options.servers().get(serverIndex);
    out = ClientSocket.open(runtime, ServerAddress.parse(server), tls, options.tls(), current, getContext().getSelf());
    return this;
  }

  private Behavior<ClientCommand> lost(int lostGeneration, String reason) {
    if (lostGeneration != generation) {
      return this; // an older connection's last words
    }
    generation++;
    boolean wasAuthenticated = authenticated;
    if (out != null) {
      out.close(); // a connection that failed half-way (say, its upgrade timed out) is not left open
    }
    out = null;
    batch = null; // everything in it is pending and is resent after the next login
    nonce = null;
    authId = null;
    authenticated = false;
    login = null;
    if (wasAuthenticated || closing == null) {
      listener.onDisconnected(server, reason);
    }
    if (closing != null) {
      return finish();
    }
    if (replaced) {
      failAll(cannotLogIn); // nothing reconnects: nothing pending can be answered
    } else {
      timers.startSingleTimer(new ClientCommand.Connect(), backoff);
      backoff = backoff.multipliedBy(2).compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : backoff.multipliedBy(2);
    }
    return this;
  }

  private Behavior<ClientCommand> received(ClientCommand.Received received) {
    if (received.generation() != generation) {
      return this;
    }
    for (String text : FrameCodec.serverFrames(received.text())) {
      ServerFrame frame;
      try {
        frame = codec.decodeServer(text);
      } catch (ProtocolException e) {
        listener.onNotice(ErrorCode.BAD_FRAME, "The router sent a frame this client cannot read: " + e.getMessage());
        continue;
      }
      if (frame instanceof ServerFrame.Push push) {
        pushed(push);
      } else if (frame instanceof ServerFrame.Welcome welcome) {
        welcomed(welcome);
      } else {
        answered(((ServerFrame.Reply) frame).id(), frame);
      }
    }
    return this;
  }

  /** Speaks the newest version both sides know; batches only if that is version 2 or later. */
  private void welcomed(ServerFrame.Welcome welcome) {
    nonce = welcome.nonce();
    version = welcome.versions().stream().filter(Protocol.VERSIONS::contains).max(Integer::compare).orElse(Protocol.CURRENT_VERSION);
    if (!welcome.versions().contains(version)) { // no version in common: try ours, and say why it fails
      listener.onNotice(ErrorCode.UNSUPPORTED_VERSION, "The router speaks versions " + welcome.versions() + "; this client speaks " + Protocol.VERSIONS + ".");
    }
    authenticate();
  }

  private void authenticate() {
    Optional<KeyPair> keys = options.keys().load();
    long resumeFrom = lastSeq;
    if (registering) {
      KeyPair pair = keys.orElseGet(() -> createdKey = options.keys().create());
      authId = "auth-" + generation;
      write(new ClientFrame.Register(authId, version, options.peer(), Signatures.encode(pair.getPublic()), Signatures.sign(pair.getPrivate(), nonce, options.peer()), resumeFrom, invitation));
    } else if (keys.isPresent()) {
      authId = "auth-" + generation;
      // With its public key in the login, the server verifies the signature in the connection's session,
      // in parallel with other logins, instead of one after another in the router.
      KeyPair pair = keys.get();
      write(new ClientFrame.Login(authId, version, options.peer(), Signatures.encode(pair.getPublic()), Signatures.sign(pair.getPrivate(), nonce, options.peer()), resumeFrom));
    } else {
      cannotLogIn = new PeerLinkException(ErrorCode.NOT_REGISTERED, "Peer '" + options.peer() + "' has no key yet: register before anything else.");
      failAll(cannotLogIn);
      listener.onNeedsRegistration(server);
    }
  }

  private void answered(String id, ServerFrame frame) {
    if (id != null && id.equals(authId)) {
      authAnswered(frame);
      return;
    }
    if (frame instanceof ServerFrame.Error error) {
      if (error.id() == null || !pending.containsKey(error.id())) {
        notice(error);
        return;
      }
      if (ErrorCode.UNAVAILABLE.name().equals(error.code())) {
        // Resend with the same id (never a second message); until then send nothing newer, so the
        // retry cannot land behind a later message of the same sender.
        retrying = true;
        timers.startSingleTimer(new ClientCommand.ResendPending(), options.retryDelay());
        return;
      }
    }
    PendingRequest<?> request = id == null ? null : pending.remove(id);
    if (request == null) {
      return; // the answer to a resent request that was already answered, or given up at its deadline
    }
    request.answer(frame);
    finishIfDone();
  }

  private void authAnswered(ServerFrame frame) {
    if (frame instanceof ServerFrame.Ok ok) {
      authenticated = true;
      login = ok;
      registering = false;
      createdKey = null;
      cannotLogIn = null;
      if (version >= Protocol.FIRST_BATCHING_VERSION) {
        batch = new FrameBatch(FrameBatch.DEFAULT_MAX_CHARS);
      }
      backoff = options.minBackoff();
      ackedUpTo = lastSeq; // the resume point in the login was an acknowledgement
      loginWaits.forEach(wait -> wait.reply().complete(ok));
      loginWaits.clear();
      listener.onConnected(server, options.peer());
      retrying = false;
      new ArrayList<>(pending.values()).forEach(request -> write(request.request()));
      finishIfDone();
      return;
    }
    ServerFrame.Error error = (ServerFrame.Error) frame;
    authId = null;
    if (ErrorCode.UNAVAILABLE.name().equals(error.code())) {
      timers.startSingleTimer(new ClientCommand.ResendPending(), options.retryDelay());
      return;
    }
    PeerLinkException refused = PeerLinkException.of(error);
    if (createdKey != null && refusesTheId(refused.code())) {
      options.keys().discard(createdKey); // a key for an ID that is not ours would fail every later login
    }
    createdKey = null;
    // Nothing queued can be sent without an identity, and no login follows by itself: fail it with the
    // reason instead of waiting forever, and so every request made until the next register().
    cannotLogIn = refused;
    boolean wasRegistering = registering;
    failAll(refused);
    if (!wasRegistering) {
      notice(error); // a login of the client's own accord: a register() call has the refusal in its future
    }
    finishIfDone();
  }

  /** Refusals of a register that no retry with the same ID changes. */
  private static boolean refusesTheId(ErrorCode code) {
    return code == ErrorCode.ID_TAKEN || code == ErrorCode.NAME_TAKEN || code == ErrorCode.INVALID_NAME;
  }

  private Behavior<ClientCommand> resendPending() {
    retrying = false;
    if (authenticated) {
      new ArrayList<>(pending.values()).forEach(request -> write(request.request()));
    } else if (nonce != null && authId == null && cannotLogIn == null) {
      authenticate();
    }
    return this;
  }

  private void notice(ServerFrame.Error error) {
    PeerLinkException notice = PeerLinkException.of(error);
    if (notice.code() == ErrorCode.SESSION_REPLACED) {
      replaced = true; // another connection of this peer took over: do not fight it by reconnecting
      cannotLogIn = new PeerLinkException(ErrorCode.SESSION_REPLACED, "Peer '" + options.peer() + "' logged in on another connection, which replaced this client's: " + error.message());
    }
    listener.onNotice(notice.code(), notice.getMessage());
  }

  // ---- pushes and acknowledgements

  private void pushed(ServerFrame.Push push) {
    if (push.seq() > lastSeq) {
      lastSeq = push.seq();
      if (push instanceof ServerFrame.Message message) {
        listener.onMessage(message);
      } else if (push instanceof ServerFrame.Delivered delivered) {
        listener.onDelivered(delivered);
      } else if (push instanceof ServerFrame.Expired expired) {
        listener.onExpired(expired);
      }
      options.resume().save(lastSeq);
    }
    if (lastSeq - ackedUpTo >= ACK_EVERY) {
      flushAck();
    } else if (!ackScheduled) {
      ackScheduled = true;
      timers.startSingleTimer(new ClientCommand.FlushAck(), options.ackDelay());
    }
  }

  private Behavior<ClientCommand> flushAck() {
    ackScheduled = false;
    if (authenticated && lastSeq > ackedUpTo) {
      write(new ClientFrame.Ack(lastSeq));
      ackedUpTo = lastSeq;
    }
    return this;
  }

  /**
   * Once logged in with version 2, frames wait in a batch until the commands already in this actor's
   * mailbox are handled (the flush is queued behind them): a burst of sends leaves as a few messages.
   */
  private void write(ClientFrame frame) {
    if (out == null) {
      return;
    }
    String json = FrameCodec.encode(frame);
    if (batch == null) {
      out.send(json);
    } else {
      batch.write(json, out::send, () -> getContext().getSelf().tell(new ClientCommand.FlushWrites()));
    }
  }

  private Behavior<ClientCommand> flushWrites() {
    if (out != null && batch != null) {
      batch.flush(out::send);
    }
    return this;
  }
}
