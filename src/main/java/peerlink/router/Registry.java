package peerlink.router;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ProtocolException;
import peerlink.protocol.Text;
import peerlink.storage.FreeSpace;
import scala.util.Try;

/**
 * The durable registry: an event-sourced actor that decides each batch from the {@link Router} with one
 * {@code persist(list)} (one journal write, one fsync) and reports the outcome back. Its snapshots are
 * the checkpoints.
 */
public final class Registry extends EventSourcedBehavior<Registry.Decide, RouterEvent, RouterState> {
  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("peerlink-registry");

  /** Decide on these commands, in order, as one write. */
  public record Decide(List<RouterCommand.Decidable> batch) implements CborSerializable {}

  private final ActorContext<Decide> context;
  private final ActorRef<RouterCommand> router;
  private final RegistrySettings settings;
  private final Clock clock;
  private final FreeSpace space;
  private final Serialization serialization;
  private final AsideStore aside;
  // The last reason a recovery failed, so that a wait of many attempts is logged once.
  private String lastRecoveryFailure;

  public static Behavior<Decide> create(ActorRef<RouterCommand> router, RegistrySettings settings, Clock clock) {
    return create(router, settings, clock, FreeSpace.UNCHECKED);
  }

  /** @param space below its minimum, events that grow the state are refused with STORAGE_FULL (see {@link #storable}) */
  public static Behavior<Decide> create(ActorRef<RouterCommand> router, RegistrySettings settings, Clock clock, FreeSpace space) {
    return Behaviors.setup(context -> new Registry(context, router, settings, clock, space));
  }

  private Registry(ActorContext<Decide> context, ActorRef<RouterCommand> router, RegistrySettings settings, Clock clock, FreeSpace space) {
    super(
        PERSISTENCE_ID,
        SupervisorStrategy.restartWithBackoff(settings.restartBackoff(), settings.restartBackoff().multipliedBy(10), 0.2));
    this.context = context;
    this.router = router;
    this.settings = settings;
    this.clock = clock;
    this.space = space;
    this.serialization = SerializationExtension.get(context.getSystem());
    this.aside = StoredAside.forJournalOf(context.getSystem(), PERSISTENCE_ID.id());
  }

  /**
   * Most settled messages whose bodies one write drops, and whose records it keeps: a write stays small however
   * many settled at once (an acknowledgement of a thousand messages); the rest go with the next write, or the
   * router's next idle tick.
   */
  static final int MAX_DROPPED_PER_WRITE = 2_000;

  @Override
  public RouterState emptyState() {
    return new RouterState();
  }

  @Override
  public CommandHandler<Decide, RouterEvent, RouterState> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onCommand(Decide.class, this::decide).build();
  }

  private Effect<RouterEvent, RouterState> decide(RouterState state, Decide command) {
    long now = clock.millis();
    List<RouterEvent> expiries = Decisions.expiries(state, now, this::storable);
    if (!expiries.isEmpty()) {
      // Messages whose time ran out go first, in a write of their own (the primary's clock decides, the event
      // says what, a replay never asks a clock): the batch is then decided without them in any inbox. The
      // batch comes back to this actor; the router sends no other until it is done, so nothing overtakes it.
      return Effect().persist(expiries).thenRun(after -> context.getSelf().tell(command));
    }
    Decisions.Decided decided = Decisions.decide(
        state, command.batch(), settings.limits(), settings.quotas(), settings.ttl(), settings.registration().mode(), now, this::storable, aside);
    List<RouterEvent> events = withSettledWork(state, decided.events());
    if (events.isEmpty()) {
      // Pushes of expiries written just before this batch, if any, go with its replies.
      router.tell(new RouterCommand.BatchDone(decided.replies(), state.drainNewPushes()));
      return Effect().none();
    }
    return Effect()
        .persist(events)
        .thenRun(after -> {
          noteBodies(events);
          router.tell(new RouterCommand.BatchDone(decided.replies(), after.drainNewPushes()));
        });
  }

  /**
   * The batch's events, followed by what messages settled by earlier writes leave to do: their bodies leave the
   * store and their records go into it, in the write after the one that settled them, never before (the
   * router's idle ticks decide empty batches, so an idle registry does this too).
   */
  private List<RouterEvent> withSettledWork(RouterState state, List<RouterEvent> events) {
    List<Long> settled = state.bodiesToDrop(MAX_DROPPED_PER_WRITE);
    RouterEvent.RecordsKept kept = recordsKept(state);
    if (settled.isEmpty() && kept == null) {
      return events;
    }
    List<RouterEvent> all = new ArrayList<>(events);
    if (!settled.isEmpty()) {
      all.add(new RouterEvent.BodiesDropped(settled));
    }
    if (kept != null) {
      all.add(kept);
    }
    return all;
  }

  /**
   * The records of settled messages to keep beside the journal with this write, each at its sender's next
   * position (one that begins a window forgets the window before the last: RecordsKept); null when none waits.
   */
  private RouterEvent.RecordsKept recordsKept(RouterState state) {
    List<Map.Entry<Long, MessageRecord>> pending = state.recordsToKeep(MAX_DROPPED_PER_WRITE);
    if (pending.isEmpty()) {
      return null;
    }
    Map<String, Long> nextPosition = new HashMap<>();
    List<RouterEvent.RecordsKept.Kept> kept = new ArrayList<>(pending.size());
    for (Map.Entry<Long, MessageRecord> settled : pending) {
      String sender = settled.getValue().from();
      long position = nextPosition.computeIfAbsent(sender, s -> state.peer(s).keptCount());
      nextPosition.put(sender, position + 1);
      kept.add(new RouterEvent.RecordsKept.Kept(settled.getKey(), sender, position, settled.getValue(), null));
    }
    return new RouterEvent.RecordsKept(kept);
  }

  /** Tells the aside store (its cache of recent bodies) what a completed write stored and dropped. */
  private void noteBodies(List<RouterEvent> written) {
    for (RouterEvent event : written) {
      if (event instanceof RouterEvent.MessageAccepted m && m.keepsBodyAside() && m.body() != null) {
        aside.written(MessageIds.numberOrThrow(m.msgId()), m.body());
      } else if (event instanceof RouterEvent.BodiesDropped d) {
        d.numbers().forEach(aside::dropped);
      }
    }
  }

  /**
   * Whether the journal will be able to store this event (Decisions.EventCheck): the journal refuses a
   * batch's events only all together, and a refused write restarts the registry and loses the whole batch.
   * Input is checked at the edge, so this refuses only what slipped past those checks.
   *
   * <p>The events of the hot path (a message, an acknowledgement; thousands a second) are checked for what
   * can make Jackson's CBOR writer refuse their content, text that is not valid Unicode: a scan of their
   * strings, about a nanosecond a character. Serializing them here as well, as the journal will, costs 5 us
   * per small message and 0.3 ms per 64 KiB one (measured on this machine) in the singleton, which decides
   * every batch one after another. Every other event (registrations and group changes: rare, small) is
   * serialized here as the journal will, with the same serializer, which catches anything else too.
   */
  private boolean storable(RouterEvent event) {
    if (grows(event) && space.low()) {
      throw new ProtocolException(ErrorCode.STORAGE_FULL, "The router's disk is nearly full (" + space.describe()
          + "), so it takes no new messages, registrations or group changes for now; what it accepted is still delivered, "
          + "and acknowledgements free space. Try again later.");
    }
    if (event instanceof RouterEvent.MessageAccepted m) {
      return validText(m.msgId(), m.clientId(), m.from(), m.to(), m.group(), m.body()) && m.recipients().stream().allMatch(Registry::validText)
          || refused(event, "text that is not valid Unicode");
    }
    if (event instanceof RouterEvent.InboxAcked a) {
      return validText(a.peer()) || refused(event, "text that is not valid Unicode");
    }
    Try<byte[]> bytes = serialization.serialize(event);
    return bytes.isSuccess() || refused(event, bytes.failed().get().toString());
  }

  /**
   * Events that add to what the store keeps. The others (acknowledgements, expiries, leaving, removing,
   * deleting, unblocking, handing over) free space or keep it as it is, and go on when the disk is low.
   */
  private static boolean grows(RouterEvent event) {
    return event instanceof RouterEvent.MessageAccepted
        || event instanceof RouterEvent.PeerRegistered
        || event instanceof RouterEvent.GroupCreated
        || event instanceof RouterEvent.GroupJoined
        || event instanceof RouterEvent.GroupInvited
        || event instanceof RouterEvent.GroupBanned
        || event instanceof RouterEvent.PeerBlocked;
  }

  private static boolean validText(String... texts) {
    for (String text : texts) {
      if (text != null && !Text.isValidUnicode(text)) {
        return false;
      }
    }
    return true;
  }

  private boolean refused(RouterEvent event, String why) {
    context.getLog().warn("Refused a {} that the journal could not store: {}", event.getClass().getSimpleName(), why);
    return false;
  }

  @Override
  public EventHandler<RouterState, RouterEvent> eventHandler() {
    return (state, event) -> state.apply(event);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Events before the older kept snapshot are deleted, so a catching-up backup copies the latest
    // checkpoint plus the log after it, not the whole history.
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2).withDeleteEventsOnSnapshot();
  }

  /**
   * The state changes in place, but the snapshot store serializes a snapshot asynchronously (and the
   * recovered one may be the store's own object): both directions get a copy, so a snapshot never
   * contains events after its sequence number. The state is a {@link peerlink.checkpoint.PiecedSnapshot}:
   * the store keeps its unchanging parts once instead of in every checkpoint.
   */
  @Override
  public SnapshotAdapter<RouterState> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(RouterState state) {
        return state.copy();
      }

      @Override
      public RouterState fromJournal(Object from) {
        RouterState loaded = (RouterState) from;
        if (loaded.awaitsPieces()) {
          // A snapshot store that does not know PiecedSnapshot handed over the checkpoint without its pieces.
          throw new IllegalStateException("the registry's checkpoint was loaded without its pieces");
        }
        return loaded.copy();
      }
    };
  }

  @Override
  public SignalHandler<RouterState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              state.drainNewPushes(); // replayed pushes are not news: clients fetch them when they attach
              context
                  .getLog()
                  .info(
                      "Registry recovered: {} peers, {} groups, {} messages",
                      state.peerCount(),
                      state.groups().size(),
                      state.messageCount());
              router.tell(new RouterCommand.RegistryReady());
            })
        // The router tells /ready why it cannot serve: on the primary, usually that no primary was granted yet.
        .onSignal(RecoveryFailed.class, (state, failed) -> {
          String reason = rootMessage(failed.getFailure());
          if (!reason.equals(lastRecoveryFailure)) {
            // One line per new reason; Pekko's supervisor logs each attempt, and conf/logback.xml drops those
            // that only say this node is not the primary yet (peerlink.node.RegistryWaitFilter).
            context.getLog().info("Registry cannot recover yet ({}); it tries again with backoff", reason);
            lastRecoveryFailure = reason;
          }
          router.tell(new RouterCommand.RegistryFailed(reason));
        })
        .build();
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }
}
