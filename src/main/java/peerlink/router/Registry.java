package peerlink.router;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

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

  public static Behavior<Decide> create(ActorRef<RouterCommand> router, RegistrySettings settings, Clock clock) {
    return Behaviors.setup(context -> new Registry(context, router, settings, clock));
  }

  private Registry(ActorContext<Decide> context, ActorRef<RouterCommand> router, RegistrySettings settings, Clock clock) {
    super(
        PERSISTENCE_ID,
        SupervisorStrategy.restartWithBackoff(settings.restartBackoff(), settings.restartBackoff().multipliedBy(10), 0.2));
    this.context = context;
    this.router = router;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public RouterState emptyState() {
    return new RouterState();
  }

  @Override
  public CommandHandler<Decide, RouterEvent, RouterState> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onCommand(Decide.class, this::decide).build();
  }

  private Effect<RouterEvent, RouterState> decide(RouterState state, Decide command) {
    Decisions.Decided decided = Decisions.decide(state, command.batch(), settings.limits(), settings.quotas(), clock.millis());
    if (decided.events().isEmpty()) {
      router.tell(new RouterCommand.BatchDone(decided.replies(), Map.of()));
      return Effect().none();
    }
    return Effect()
        .persist(decided.events())
        .thenRun(after -> router.tell(new RouterCommand.BatchDone(decided.replies(), after.drainNewPushes())));
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
        .build();
  }
}
