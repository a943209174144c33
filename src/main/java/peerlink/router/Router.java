package peerlink.router;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.pubsub.Topic;
import peerlink.metrics.StageTimings;
import peerlink.protocol.FrameCodec;
import peerlink.protocol.PageLimits;
import peerlink.protocol.ServerFrame;
import peerlink.storage.FreeSpace;

/**
 * The router singleton: queues commands from sessions in arrival order, hands them to the {@link Registry}
 * in batches (the next batch forms while the previous one is being written, so one fsync covers many
 * sends), and routes replies and pushes to the sessions of the peers that are connected.
 *
 * <p>Presence (which session serves which peer) lives here, not in the registry: it is not durable, and
 * it must survive a restart of the registry after a failed write.
 */
public final class Router extends AbstractBehavior<RouterCommand> {
  /** Bounds one write (and one replication message) whatever the message sizes. */
  private static final long MAX_BATCH_BYTES = 2 * 1024 * 1024;
  private final ActorRef<Registry.Decide> registry;
  private final RegistrySettings settings;
  private final ArrayDeque<SessionGate.Arrival> queue = new ArrayDeque<>();
  private long arrivals;
  private final Map<String, ActorRef<ToSession>> sessions = new HashMap<>();
  // Peers whose session logged in (or registered) with this router instance, and that session. A resume
  // comes from a session that logged in with an earlier instance, so it is older than such a login.
  private final Map<String, ActorRef<ToSession>> loggedInHere = new HashMap<>();
  private final ActorRef<Topic.Command<RouterStarted>> announcements;
  private boolean announced;
  /** True while the registry recovers or writes a batch; commands wait in the queue meanwhile. */
  private boolean registryBusy = true;
  /** Why the registry takes no batches (null once it has recovered): what a node's {@code /ready} reports. */
  private String registryProblem = "the registry is still recovering its state";
  /** When the batch the registry is deciding was handed to it. */
  private long batchStartedNanos;
  private final StageTimings timings;
  private final SessionGate gate;
  private long refused;

  /** A batch unanswered this long means the registry is stuck or restarting: the router says it is not ready. */
  private static final java.time.Duration STALLED_WRITE = java.time.Duration.ofSeconds(30);

  /**
   * How often an idle registry is handed an empty batch, so that messages whose time-to-live ran out
   * expire although nobody sends: every batch first expires what is due (by the earliest deadline, a
   * lookup). Time-to-live is given in seconds, so a message expires at most this long late.
   */
  private static final java.time.Duration EXPIRY_CHECK = java.time.Duration.ofSeconds(1);

  /** How often a running router repeats its announcement, so nodes that joined later learn of it. */
  private static final java.time.Duration ANNOUNCE_EVERY = java.time.Duration.ofSeconds(3);

  /** A router that takes session commands only from sessions on its own node (tests, a single node). */
  public static Behavior<RouterCommand> create(RegistrySettings settings, Clock clock) {
    return create(settings, clock, address -> false);
  }

  /**
   * @param routerMember true for the address of a router node that is a member of the cluster: sessions
   *     there may send commands too (see {@link SessionGate})
   */
  public static Behavior<RouterCommand> create(RegistrySettings settings, Clock clock, Predicate<Address> routerMember) {
    return create(settings, clock, routerMember, FreeSpace.UNCHECKED);
  }

  /** @param space the free space of this node's store, below whose minimum the registry refuses what would grow it */
  public static Behavior<RouterCommand> create(RegistrySettings settings, Clock clock, Predicate<Address> routerMember, FreeSpace space) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new RouterCommand.Announce(), ANNOUNCE_EVERY);
      timers.startTimerWithFixedDelay(new RouterCommand.ExpireHeld(), java.time.Duration.ofSeconds(1));
      timers.startTimerWithFixedDelay(new RouterCommand.CheckExpiry(), EXPIRY_CHECK);
      return new Router(context, settings, clock, routerMember, space);
    }));
  }

  private Router(ActorContext<RouterCommand> context, RegistrySettings settings, Clock clock, Predicate<Address> routerMember, FreeSpace space) {
    super(context);
    this.settings = settings;
    this.gate = new SessionGate(routerMember);
    this.timings = StageTimings.get(context.getSystem());
    Behavior<Registry.Decide> supervised =
        Behaviors.supervise(Registry.create(context.getSelf(), settings, clock, space))
            .onFailure(
                SupervisorStrategy.restartWithBackoff(
                    settings.restartBackoff(), settings.restartBackoff().multipliedBy(10), 0.2));
    this.registry = context.spawn(supervised, "registry");
    this.announcements = context.spawn(RouterStarted.topic(), "announcements");
  }

  @Override
  public Receive<RouterCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(RouterCommand.Decidable.class, this::enqueue)
        .onMessage(RouterCommand.BatchDone.class, this::batchDone)
        .onMessage(RouterCommand.RegistryReady.class, ready -> registryReady())
        .onMessage(RouterCommand.RegistryFailed.class, this::registryFailed)
        .onMessage(RouterCommand.CheckReady.class, this::checkReady)
        .onMessage(RouterCommand.SessionEnded.class, this::sessionEnded)
        .onMessage(RouterCommand.ExpireHeld.class, e -> expireHeld())
        .onMessage(RouterCommand.CheckExpiry.class, c -> checkExpiry())
        .onMessage(RouterCommand.Announce.class, a -> {
          if (announced) {
            announcements.tell(Topic.publish(new RouterStarted(getContext().getSelf())));
          }
          return this;
        })
        .build();
  }

  private Behavior<RouterCommand> enqueue(RouterCommand.Decidable command) {
    SessionGate.Arrival arrival = new SessionGate.Arrival(arrivals++, command);
    switch (gate.admit(arrival, sessions, System.nanoTime())) {
      case ACCEPT -> queue.addLast(arrival);
      case HOLD -> {
        return this;
      }
      case REFUSE -> {
        // Never from a PeerLink session: a node that is not a router member, or one flooding the gate.
        if (refused++ % 1000 == 0) {
          getContext().getLog().warn("Refused a {} for '{}' from {}: not a session on a router node of this cluster, or too many held "
              + "({} refused so far; docs/architecture.md, 'Trust')", command.getClass().getSimpleName(), peerOf(command),
              command.session().path().address(), refused);
        }
        return this;
      }
    }
    return flush();
  }

  private Behavior<RouterCommand> expireHeld() {
    for (RouterCommand.Decidable dropped : gate.expired(System.nanoTime())) {
      getContext().getLog().warn("Dropped a {} for '{}' from {}: that session never authenticated the peer here within {} s",
          dropped.getClass().getSimpleName(), peerOf(dropped), dropped.session().path().address(), SessionGate.HOLD_NANOS / 1_000_000_000L);
    }
    return this;
  }

  /** An idle registry decides an empty batch: it expires what is due, and answers with the pushes that makes. */
  private Behavior<RouterCommand> checkExpiry() {
    if (!registryBusy && queue.isEmpty()) {
      registry.tell(new Registry.Decide(List.of()));
      batchStartedNanos = System.nanoTime();
      registryBusy = true;
    }
    return this;
  }

  private static String peerOf(RouterCommand.Decidable command) {
    String peer = SessionGate.actsAs(command);
    if (peer != null) {
      return peer;
    }
    if (command instanceof RouterCommand.Resume r) {
      return r.peer();
    } else if (command instanceof RouterCommand.Authenticate a) {
      return a.peer();
    } else if (command instanceof RouterCommand.RegisterPeer r) {
      return r.peer();
    }
    return "?";
  }

  private Behavior<RouterCommand> batchDone(RouterCommand.BatchDone done) {
    timings.since("router.batch", batchStartedNanos);
    for (RouterCommand.Delivery reply : done.replies()) {
      if (reply.message() instanceof ToSession.Attached attached) {
        attach(attached.peer(), reply.to());
        loggedInHere.put(attached.peer(), reply.to());
      } else if (reply.message() instanceof ToSession.Resumed resumed) {
        ActorRef<ToSession> newer = loggedInHere.get(resumed.peer());
        if (newer != null && !newer.equals(reply.to())) {
          // The peer logged in again since that session's login (a client that reconnected to another node
          // while its old connection's session was still resuming): the newer login keeps the peer, and the
          // older session is told it was replaced, never the other way round (PartitionNemesisIT saw live
          // clients replaced by their own stale sessions after a router restart).
          getContext().getLog().info("A resume of '{}' from {} came after that peer's login on {}: the resuming session is the older one and is closed",
              resumed.peer(), reply.to().path().address(), newer.path().address());
          reply.to().tell(new ToSession.Replaced());
          continue;
        }
        attach(resumed.peer(), reply.to());
        loggedInHere.remove(resumed.peer());
      }
      deliver(reply.to(), reply.message());
    }
    done.pushes().forEach(this::push);
    // Commands that waited for their session to be attached go now, in their place in the order they came.
    List<SessionGate.Arrival> released = gate.released(sessions);
    if (!released.isEmpty()) {
      List<SessionGate.Arrival> merged = new ArrayList<>(queue);
      merged.addAll(released);
      merged.sort(java.util.Comparator.comparingLong(SessionGate.Arrival::seq));
      queue.clear();
      queue.addAll(merged);
    }
    return registryIdle();
  }

  private Behavior<RouterCommand> registryFailed(RouterCommand.RegistryFailed failed) {
    registryProblem = "the registry failed to recover (it retries): " + failed.reason();
    return this;
  }

  private Behavior<RouterCommand> checkReady(RouterCommand.CheckReady check) {
    String problem = registryProblem;
    long busyNanos = System.nanoTime() - batchStartedNanos;
    if (problem == null && registryBusy && busyNanos > STALLED_WRITE.toNanos()) {
      problem = "the registry has not finished a write for " + busyNanos / 1_000_000_000L + " s (it may be restarting)";
    }
    check.replyTo().tell(RouterHealth.from(problem));
    return this;
  }

  private Behavior<RouterCommand> registryReady() {
    registryProblem = null;
    if (!announced) {
      // Sessions attached to an earlier instance (on another node, before a failover) re-attach here.
      announcements.tell(Topic.publish(new RouterStarted(getContext().getSelf())));
      announced = true;
    }
    return registryIdle();
  }

  /** The registry takes the next batch; a batch lost in a registry restart is retried by its clients. */
  private Behavior<RouterCommand> registryIdle() {
    registryBusy = false;
    return flush();
  }

  private Behavior<RouterCommand> flush() {
    if (registryBusy || queue.isEmpty()) {
      return this;
    }
    List<RouterCommand.Decidable> batch = new ArrayList<>();
    if (first() instanceof RouterCommand.RegisterPeer) {
      // Registrations only add peers, and Decisions sees those registered earlier in the batch, so
      // consecutive ones share one write (1,000 peers registering at once are not 1,000 writes).
      while (!queue.isEmpty() && batch.size() < settings.maxBatch() && first() instanceof RouterCommand.RegisterPeer) {
        batch.add(queue.pollFirst().command());
      }
    } else if (Decisions.changesStructure(first())) {
      batch.add(queue.pollFirst().command());
    } else {
      long bytes = 0;
      while (!queue.isEmpty() && batch.size() < settings.maxBatch() && bytes < MAX_BATCH_BYTES && !Decisions.changesStructure(first())) {
        RouterCommand.Decidable next = queue.pollFirst().command();
        batch.add(next);
        if (next instanceof RouterCommand.Execute e && e.request() instanceof peerlink.protocol.ClientFrame.Send send) {
          bytes += send.body().length();
        }
      }
    }
    registry.tell(new Registry.Decide(batch));
    batchStartedNanos = System.nanoTime();
    registryBusy = true;
    return this;
  }

  private RouterCommand.Decidable first() {
    return queue.peekFirst().command();
  }

  private void attach(String peer, ActorRef<ToSession> session) {
    // A session serves one peer, but one whose earlier login timed out may come back as another peer:
    // forget the old mapping, and re-watch (watchWith with a different message throws).
    sessions.values().removeIf(session::equals);
    loggedInHere.values().removeIf(session::equals);
    ActorRef<ToSession> previous = sessions.put(peer, session);
    if (previous != null && !previous.equals(session)) {
      previous.tell(new ToSession.Replaced());
    }
    getContext().unwatch(session);
    getContext().watchWith(session, new RouterCommand.SessionEnded(peer, session));
  }

  /**
   * New pushes go to a connected peer's session as they are made, in pages that fit one message between
   * nodes (a batch may hold megabytes of messages for one peer); the session takes what its window has room
   * for and fetches the rest later. Almost always one page: a few length() calls per push.
   */
  private void push(String peer, List<ServerFrame.Push> pushes) {
    ActorRef<ToSession> session = sessions.get(peer);
    if (session != null) {
      for (List<ServerFrame.Push> page : PageLimits.pages(pushes, PageLimits::weight)) {
        session.tell(new ToSession.Pushed(page));
      }
    }
  }

  /**
   * A reply whose lists (groups, members, recipients) make it too long for one message between nodes goes
   * as JSON text in parts, which the session joins; every other message as it is. Pages of pushes are
   * bounded where they are made ({@link PeerRecord#pageAfter}).
   */
  static void deliver(ActorRef<ToSession> to, ToSession message) {
    if (message instanceof ToSession.Reply reply
        && reply.frame() instanceof ServerFrame.Reply frame
        && !PageLimits.fits(PageLimits.weight(frame))) {
      List<String> parts = PageLimits.parts(FrameCodec.encode(frame));
      for (int i = 0; i < parts.size(); i++) {
        to.tell(new ToSession.ReplyPart(frame.id(), parts.get(i), i == parts.size() - 1));
      }
    } else {
      to.tell(message);
    }
  }

  private Behavior<RouterCommand> sessionEnded(RouterCommand.SessionEnded ended) {
    sessions.remove(ended.peer(), ended.session());
    loggedInHere.remove(ended.peer(), ended.session());
    return this;
  }
}
