package peerlink.client;

import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.Behavior;
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
 */
final class ClientConnection extends AbstractBehavior<ClientCommand> {
  private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(30);
  private static final int ACK_EVERY = 256;

  private final ClientOptions options;
  private final ClientListener listener;
  private final TimerScheduler<ClientCommand> timers;
  private final FrameCodec codec = new FrameCodec(Limits.DEFAULT);
  private final ClientRuntime runtime;
  /** Unanswered requests in submission order; all are resent after each new login. */
  private final Map<String, ClientFrame.Request> pending = new LinkedHashMap<>();
  private final Map<String, CompletableFuture<ServerFrame>> replies = new LinkedHashMap<>();

  private int generation;
  private int serverIndex = -1;
  private String server;
  private ClientSocket out;
  private Duration backoff;
  private String nonce;
  private String authId;
  private boolean authenticated;
  private CompletableFuture<ServerFrame.Ok> registration;
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

  static Behavior<ClientCommand> create(ClientOptions options, ClientListener listener, ClientRuntime runtime) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new ClientConnection(context, timers, options, listener, runtime)));
  }

  private ClientConnection(
      ActorContext<ClientCommand> context,
      TimerScheduler<ClientCommand> timers,
      ClientOptions options,
      ClientListener listener,
      ClientRuntime runtime) {
    super(context);
    this.runtime = runtime;
    this.options = options;
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
        .onMessage(ClientCommand.Submit.class, this::submit)
        .onMessage(ClientCommand.Register.class, this::register)
        .onMessage(ClientCommand.Close.class, this::close)
        .onMessage(ClientCommand.Connect.class, c -> connect())
        .onMessage(ClientCommand.Upgraded.class, u -> this)
        .onMessage(ClientCommand.ConnectFailed.class, f -> lost(f.generation(), f.reason()))
        .onMessage(ClientCommand.Closed.class, c -> lost(c.generation(), "connection closed"))
        .onMessage(ClientCommand.Received.class, this::received)
        .onMessage(ClientCommand.FlushAck.class, f -> flushAck())
        .onMessage(ClientCommand.FlushWrites.class, f -> flushWrites())
        .onMessage(ClientCommand.ResendPending.class, r -> resendPending())
        .onMessage(ClientCommand.CloseDeadline.class, d -> finish())
        .build();
  }

  // ---- the application's calls

  private Behavior<ClientCommand> submit(ClientCommand.Submit submit) {
    if (closing != null) {
      submit.reply().completeExceptionally(new PeerLinkException(ErrorCode.NOT_CONNECTED, "The client is closing."));
      return this;
    }
    pending.put(submit.request().id(), submit.request());
    replies.put(submit.request().id(), submit.reply());
    if (authenticated && !retrying) {
      write(submit.request());
    }
    return this;
  }

  private Behavior<ClientCommand> register(ClientCommand.Register register) {
    if (authenticated) {
      register.reply().complete(ServerFrame.Ok.authenticated(authId, options.peer(), lastSeq));
      return this;
    }
    registration = register.reply();
    if (nonce != null && authId == null) {
      authenticate();
    }
    return this;
  }

  private Behavior<ClientCommand> close(ClientCommand.Close close) {
    closing = close.done();
    if (pending.isEmpty()) {
      return finish();
    }
    timers.startSingleTimer(new ClientCommand.CloseDeadline(), CLOSE_DEADLINE);
    return this;
  }

  private Behavior<ClientCommand> finish() {
    flushAck();
    flushWrites();
    replies.values().forEach(f -> f.completeExceptionally(new PeerLinkException(ErrorCode.NOT_CONNECTED, "The client closed before the router answered.")));
    if (out != null) {
      out.close();
    }
    if (closing != null) {
      closing.complete(null);
    }
    return Behaviors.stopped();
  }

  // ---- the connection

  private Behavior<ClientCommand> connect() {
    generation++;
    int current = generation;
    serverIndex = (serverIndex + 1) % options.servers().size();
    server = options.servers().get(serverIndex);
    out = ClientSocket.open(runtime, server, current, getContext().getSelf());
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
    if (wasAuthenticated || closing == null) {
      listener.onDisconnected(server, reason);
    }
    if (closing != null) {
      return finish();
    }
    if (!replaced) {
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
    if (registration != null) {
      KeyPair pair = keys.orElseGet(() -> options.keys().create());
      authId = "auth-" + generation;
      write(new ClientFrame.Register(authId, version, options.peer(), Signatures.encode(pair.getPublic()), Signatures.sign(pair.getPrivate(), nonce, options.peer()), resumeFrom));
    } else if (keys.isPresent()) {
      authId = "auth-" + generation;
      // With its public key in the login, the server verifies the signature in the connection's session,
      // in parallel with other logins, instead of one after another in the router.
      KeyPair pair = keys.get();
      write(new ClientFrame.Login(authId, version, options.peer(), Signatures.encode(pair.getPublic()), Signatures.sign(pair.getPrivate(), nonce, options.peer()), resumeFrom));
    } else {
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
    if (id == null || pending.remove(id) == null) {
      return; // the answer to a resent request that was already answered
    }
    CompletableFuture<ServerFrame> reply = replies.remove(id);
    if (frame instanceof ServerFrame.Error error) {
      reply.completeExceptionally(PeerLinkException.of(error));
    } else {
      reply.complete(frame);
    }
    if (closing != null && pending.isEmpty()) {
      getContext().getSelf().tell(new ClientCommand.CloseDeadline());
    }
  }

  private void authAnswered(ServerFrame frame) {
    if (frame instanceof ServerFrame.Ok ok) {
      authenticated = true;
      if (version >= Protocol.FIRST_BATCHING_VERSION) {
        batch = new FrameBatch(FrameBatch.DEFAULT_MAX_CHARS);
      }
      backoff = options.minBackoff();
      ackedUpTo = lastSeq; // the resume point in the login was an acknowledgement
      if (registration != null) {
        registration.complete(ok);
        registration = null;
      }
      listener.onConnected(server, options.peer());
      retrying = false;
      new ArrayList<>(pending.values()).forEach(this::write);
      return;
    }
    ServerFrame.Error error = (ServerFrame.Error) frame;
    authId = null;
    if (ErrorCode.UNAVAILABLE.name().equals(error.code())) {
      timers.startSingleTimer(new ClientCommand.ResendPending(), options.retryDelay());
      return;
    }
    if (registration != null) {
      registration.completeExceptionally(PeerLinkException.of(error));
      registration = null;
    }
    // Nothing queued can be sent without an identity: fail it with the reason instead of waiting forever.
    replies.values().forEach(reply -> reply.completeExceptionally(PeerLinkException.of(error)));
    replies.clear();
    pending.clear();
    notice(error);
  }

  private Behavior<ClientCommand> resendPending() {
    retrying = false;
    if (authenticated) {
      new ArrayList<>(pending.values()).forEach(this::write);
    } else if (nonce != null && authId == null) {
      authenticate();
    }
    return this;
  }

  private void notice(ServerFrame.Error error) {
    if (ErrorCode.SESSION_REPLACED.name().equals(error.code())) {
      replaced = true; // another connection of this peer took over: do not fight it by reconnecting
    }
    ErrorCode code;
    try {
      code = ErrorCode.valueOf(error.code());
    } catch (IllegalArgumentException e) {
      code = ErrorCode.BAD_FRAME;
    }
    listener.onNotice(code, error.message());
  }

  // ---- pushes and acknowledgements

  private void pushed(ServerFrame.Push push) {
    if (push.seq() > lastSeq) {
      lastSeq = push.seq();
      if (push instanceof ServerFrame.Message message) {
        listener.onMessage(message);
      } else if (push instanceof ServerFrame.Delivered delivered) {
        listener.onDelivered(delivered);
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
