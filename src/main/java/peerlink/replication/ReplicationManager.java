package peerlink.replication;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * The replication manager (a singleton on the {@code rm} node): the authority on who may be primary.
 * It grants a promotion only to a node that holds every acknowledged write (a member of the latest
 * in-sync set, or a node that just copied one), raising the epoch each time, and it records every change
 * of the in-sync set before the primary may rely on it. It also keeps what it sees for the status display.
 */
public final class ReplicationManager extends EventSourcedBehavior<RmCommand, RmEvent, RmState> {
  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("peerlink-rm");

  private final ActorContext<RmCommand> context;
  private final Clock clock;
  private final List<RmStatus.HistoryEntry> news = new ArrayList<>();
  private ReplicationReport lastReport;

  public static Behavior<RmCommand> create(Clock clock) {
    return Behaviors.setup(context -> new ReplicationManager(context, clock));
  }

  private ReplicationManager(ActorContext<RmCommand> context, Clock clock) {
    super(PERSISTENCE_ID, SupervisorStrategy.restartWithBackoff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(2), 0.2));
    this.context = context;
    this.clock = clock;
  }

  @Override
  public RmState emptyState() {
    return RmState.empty();
  }

  @Override
  public CommandHandler<RmCommand, RmEvent, RmState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(RmCommand.Promote.class, this::promote)
        .onCommand(RmCommand.ChangeIsr.class, this::changeIsr)
        .onCommand(RmCommand.Report.class, (state, report) -> {
          lastReport = report.report();
          return Effect().none();
        })
        .onCommand(RmCommand.ClusterNews.class, (state, item) -> {
          remember(item.kind(), item.text());
          return Effect().none();
        })
        .onCommand(RmCommand.GetStatus.class, (state, get) -> {
          get.replyTo().tell(status(state));
          return Effect().none();
        })
        .build();
  }

  private Effect<RmEvent, RmState> promote(RmState state, RmCommand.Promote p) {
    String reason;
    if (state.primary() == null) {
      reason = "first primary";
    } else if (state.isr().contains(p.node())) {
      reason = state.primary().equals(p.node()) ? "restarted" : "took over from " + state.primary();
    } else if (p.copiedFrom() != null && state.isr().contains(p.copiedFrom()) && p.copiedEpoch() == state.epoch()) {
      reason = "caught up from " + p.copiedFrom() + ", took over from " + state.primary();
    } else {
      String why = "not in sync: the in-sync set of epoch " + state.epoch() + " is " + state.isr()
          + "; it will catch up from one of them when one is back";
      context.getLog().warn("Refused promotion of {}: {}", p.node(), why);
      if (news.isEmpty() || !news.get(news.size() - 1).text().endsWith(why)) {
        remember("refusal", p.node() + " may not become primary: " + why);
      }
      p.replyTo().tell(new RmCommand.Denied(state.epoch(), state.isr(), why));
      return Effect().none();
    }
    long epoch = Math.max(state.epoch(), p.storeEpoch()) + 1;
    context.getLog().info("Promoting {} to primary at epoch {} ({})", p.node(), epoch, reason);
    return Effect()
        .persist(new RmEvent.Promoted(epoch, p.node(), clock.millis(), reason))
        .thenRun(after -> p.replyTo().tell(new RmCommand.Granted(epoch)));
  }

  private Effect<RmEvent, RmState> changeIsr(RmState state, RmCommand.ChangeIsr c) {
    // A higher epoch than ours comes from a primary that started alone (no rm then); adopt it.
    boolean current = c.epoch() == state.epoch() && c.primary().equals(state.primary());
    if (!current && c.epoch() <= state.epoch()) {
      c.replyTo().tell(new RmCommand.IsrRefused(state.epoch(), "epoch " + state.epoch() + " belongs to " + state.primary()));
      return Effect().none();
    }
    context.getLog().info("In-sync set of epoch {} is now {} ({})", c.epoch(), c.isr(), c.reason());
    return Effect()
        .persist(new RmEvent.IsrChanged(c.epoch(), c.primary(), c.isr(), clock.millis(), c.reason()))
        .thenRun(after -> c.replyTo().tell(new RmCommand.IsrChanged(c.epoch(), c.isr())));
  }

  @Override
  public EventHandler<RmState, RmEvent> eventHandler() {
    return RmState::apply;
  }

  private void remember(String kind, String text) {
    news.add(new RmStatus.HistoryEntry(clock.millis(), kind, text));
    if (news.size() > RmState.HISTORY) {
      news.remove(0);
    }
  }

  private RmStatus status(RmState state) {
    ClusterEvent.CurrentClusterState cluster = Cluster.get(context.getSystem()).state();
    List<RmStatus.Member> members = new ArrayList<>();
    for (Member m : cluster.getMembers()) {
      boolean reachable = StreamSupport.stream(cluster.getUnreachable().spliterator(), false).noneMatch(u -> u.equals(m));
      List<String> roles = m.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().toList();
      members.add(new RmStatus.Member(m.address().toString(), m.status().toString(), roles, reachable));
    }
    List<RmStatus.HistoryEntry> history = new ArrayList<>(state.history());
    history.addAll(news);
    history.sort(Comparator.comparingLong(RmStatus.HistoryEntry::at));
    return new RmStatus(state.epoch(), state.primary(), state.isr(), members, lastReport, history);
  }
}
