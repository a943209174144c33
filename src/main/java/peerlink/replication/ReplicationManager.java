package peerlink.replication;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import peerlink.storage.StorePosition;

/**
 * The replication manager (a singleton on the {@code rm} node): the authority on who may be primary.
 * It grants a promotion only to a store that holds every acknowledged write ({@link PromotionRules}),
 * raising the epoch each time, and it records every change of the in-sync set, by store id, before the
 * primary may rely on it. It also keeps what it sees for the status display.
 */
public final class ReplicationManager extends EventSourcedBehavior<RmCommand, RmEvent, RmState> {
  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("peerlink-rm");

  /** Store reports kept at most: one per router node; more would be a misbehaving member, not a deployment. */
  static final int MAX_STORE_REPORTS = 64;

  private final ActorContext<RmCommand> context;
  private final Clock clock;
  private final boolean acceptDataLoss;
  private final List<RmStatus.HistoryEntry> news = new ArrayList<>();
  private final Map<String, RmCommand.StoreReport> reports = new LinkedHashMap<>();
  private final Map<String, Long> reportedAt = new HashMap<>();
  private ReplicationReport lastReport;
  private String lastStepDown;

  public static Behavior<RmCommand> create(Clock clock) {
    return create(clock, false);
  }

  /** {@code acceptDataLoss}: the operator's explicit way out when no store with every acknowledged write is left (docs/replication.md). */
  public static Behavior<RmCommand> create(Clock clock, boolean acceptDataLoss) {
    return Behaviors.setup(context -> new ReplicationManager(context, clock, acceptDataLoss));
  }

  private ReplicationManager(ActorContext<RmCommand> context, Clock clock, boolean acceptDataLoss) {
    super(PERSISTENCE_ID, SupervisorStrategy.restartWithBackoff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(2), 0.2));
    this.context = context;
    this.clock = clock;
    this.acceptDataLoss = acceptDataLoss;
    if (acceptDataLoss) {
      context.getLog().warn("Started with --accept-data-loss: when no store with every acknowledged write is up, the most advanced store "
          + "present is promoted, and what it lacks is lost. Restart the rm without it once the deployment serves again.");
    }
  }

  @Override
  public RmState emptyState() {
    return RmState.empty();
  }

  /** The record grows by a progress event a second under load: checkpoint it, and keep the journal short. */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(1_000, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public CommandHandler<RmCommand, RmEvent, RmState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(RmCommand.Promote.class, this::promote)
        .onCommand(RmCommand.ChangeIsr.class, this::changeIsr)
        .onCommand(RmCommand.Report.class, this::report)
        .onCommand(RmCommand.StoreReport.class, this::storeReport)
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
    Map<String, StoreInfo> known = knownStores();
    known.put(p.node(), p.store());
    PromotionRules.Decision decision = PromotionRules.decide(state, p.node(), p.store(), p.copiedFrom(), p.copiedAt(), known,
        routersUp(), acceptDataLoss, () -> UUID.randomUUID().toString());
    if (decision instanceof PromotionRules.Deny deny) {
      context.getLog().warn("Refused promotion of {} ({}): {}", p.node(), p.store().describe(), deny.reason());
      if (news.isEmpty() || !news.get(news.size() - 1).text().endsWith(deny.reason())) {
        remember("refusal", p.node() + " may not become primary: " + deny.reason());
      }
      p.replyTo().tell(new RmCommand.Denied(state.epoch(), state.isr(), deny.reason(), deny.copyFrom()));
      return Effect().none();
    }
    PromotionRules.Grant grant = (PromotionRules.Grant) decision;
    if (grant.again()) {
      context.getLog().info("Granting epoch {} to {} again: {}", grant.epoch(), p.node(), grant.reason());
      p.replyTo().tell(new RmCommand.Granted(grant.epoch(), grant.lineage()));
      return Effect().none();
    }
    String lineage = grant.lineage() != null ? grant.lineage() : p.store().lineage();
    context.getLog().info("Promoting {} ({}) to primary at epoch {} ({})", p.node(), p.store().describe(), grant.epoch(), grant.reason());
    return Effect()
        .persist(new RmEvent.Promoted(grant.epoch(), p.node(), clock.millis(), grant.reason(), p.store().storeId(), lineage, p.store().position()))
        .thenRun(after -> p.replyTo().tell(new RmCommand.Granted(grant.epoch(), grant.lineage())));
  }

  private Effect<RmEvent, RmState> changeIsr(RmState state, RmCommand.ChangeIsr c) {
    boolean current = c.epoch() == state.epoch() && c.primary().equals(state.primary())
        && (!state.trustworthy() || state.lineage().equals(c.lineage()));
    // With no trustworthy record, a higher epoch comes from a primary that started while no rm was up: adopt it.
    boolean adopt = !state.trustworthy() && c.epoch() > state.epoch();
    if (!current && !adopt) {
      String why = state.trustworthy() && !state.lineage().equals(c.lineage())
          ? "this rm's deployment has another history (lineage " + peerlink.storage.StoreHistory.shortId(state.lineage()) + ")"
          : "epoch " + state.epoch() + " belongs to " + state.primary();
      c.replyTo().tell(new RmCommand.IsrRefused(state.epoch(), why));
      return Effect().none();
    }
    context.getLog().info("In-sync set of epoch {} is now {} ({})", c.epoch(), c.isr(), c.reason());
    return Effect()
        .persist(new RmEvent.IsrChanged(c.epoch(), c.primary(), c.isr(), clock.millis(), c.reason(), c.isrStores(), c.lineage(), c.acked()))
        .thenRun(after -> c.replyTo().tell(new RmCommand.IsrChanged(c.epoch(), c.isr())));
  }

  /** The primary's progress: what it completed is acknowledged, and recorded so a store behind it is never trusted. */
  private Effect<RmEvent, RmState> report(RmState state, RmCommand.Report r) {
    lastReport = r.report();
    ReplicationReport report = r.report();
    if (!state.trustworthy() || report.epoch() != state.epoch() || !report.primary().equals(state.primary())) {
      return Effect().none();
    }
    StorePosition completed = new StorePosition(report.epoch(), Math.max(0, report.writeId() - 1));
    return completed.compareTo(state.acked()) > 0 ? Effect().persist(new RmEvent.Progress(report.epoch(), completed)) : Effect().none();
  }

  /**
   * Every router node's store, every second. A node acting as primary that the record does not name is
   * told to step down; with no trustworthy record, the running primary's own account is adopted.
   */
  private Effect<RmEvent, RmState> storeReport(RmState state, RmCommand.StoreReport r) {
    if (reports.containsKey(r.node()) || reports.size() < MAX_STORE_REPORTS) {
      reports.put(r.node(), r);
      reportedAt.put(r.node(), clock.millis());
    }
    if (r.leaderEpoch() == 0) {
      return Effect().none();
    }
    if (state.trustworthy()) {
      String why = null;
      if (!state.lineage().equals(r.store().lineage())) {
        why = "its store holds another history (lineage " + peerlink.storage.StoreHistory.shortId(r.store().lineage()) + ") than the deployment's (lineage "
            + peerlink.storage.StoreHistory.shortId(state.lineage()) + ")";
      } else if (r.leaderEpoch() < state.epoch() || (r.leaderEpoch() == state.epoch() && !r.node().equals(state.primary()))) {
        why = "epoch " + state.epoch() + " belongs to " + state.primary();
      }
      if (why != null) {
        if (!why.equals(lastStepDown)) {
          context.getLog().warn("{} acts as primary of epoch {} but may not: {}; telling it to step down", r.node(), r.leaderEpoch(), why);
          remember("refusal", r.node() + " acted as primary of epoch " + r.leaderEpoch() + " and was told to step down: " + why);
          lastStepDown = why;
        }
        r.replyTo().tell(new RmCommand.StepDown(why));
      }
      return Effect().none();
    }
    boolean newest = r.leaderEpoch() > state.epoch()
        && reports.values().stream().allMatch(o -> o.store().position().epoch() <= r.leaderEpoch());
    if (!newest || r.store().lineage() == null) {
      return Effect().none();
    }
    context.getLog().info("Adopting the running primary {} at epoch {} (this rm had no record of the deployment)", r.node(), r.leaderEpoch());
    return Effect().persist(new RmEvent.IsrChanged(r.leaderEpoch(), r.node(), r.leaderIsr(), clock.millis(),
        "adopted the running primary: this rm had no record", r.leaderIsrStores(), r.store().lineage(), r.store().committed()));
  }

  private Map<String, StoreInfo> knownStores() {
    Map<String, StoreInfo> known = new HashMap<>();
    reports.forEach((node, report) -> known.put(node, report.store()));
    return known;
  }

  private Set<String> routersUp() {
    Set<String> up = new TreeSet<>();
    if (!context.getSystem().settings().config().getString("pekko.actor.provider").contains("luster")) {
      return up; // a test system without the cluster: no members to hear from
    }
    for (Member m : Cluster.get(context.getSystem()).state().getMembers()) {
      if (m.hasRole("router") && m.status() == MemberStatus.up()) {
        up.add(m.address().toString());
      }
    }
    return up;
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
      // Leaves out the data-centre role and the crash-probe port (node.CrashProbeTarget), which only carry settings.
      List<String> roles = m.getRoles().stream().filter(r -> !r.startsWith("dc-") && !r.startsWith("crash-probe-")).sorted().toList();
      members.add(new RmStatus.Member(m.address().toString(), m.status().toString(), roles, reachable));
    }
    List<RmStatus.HistoryEntry> history = new ArrayList<>(state.history());
    history.addAll(news);
    history.sort(Comparator.comparingLong(RmStatus.HistoryEntry::at));
    List<RmStatus.Store> stores = new ArrayList<>();
    reports.forEach((node, r) -> stores.add(new RmStatus.Store(node, r.store().storeId(), r.store().lineage(), r.store().position(),
        r.store().committed(), reportedAt.getOrDefault(node, 0L), r.diskProblem())));
    return new RmStatus(state.epoch(), state.primary(), state.isr(), members, lastReport, history, state.isrStores(), state.lineage(),
        state.acked(), stores, state.primaryStore());
  }
}
