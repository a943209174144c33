package peerlink.node;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import peerlink.replication.RmCommand;
import peerlink.replication.RmStatus;

/**
 * Boots the replication-manager node (role {@code rm}): it joins the cluster (never forming one), hosts
 * the rm singleton, records the failures the cluster detects, and optionally prints a live view.
 */
public final class RmNode {
  private RmNode() {}

  public static ActorSystem<Void> start(NodeOptions options, Config config, boolean liveView) {
    return CrashProbeTarget.withProbePort(
        options.host(), options.applyTo(config), c -> ActorSystem.create(guardian(options, liveView), RouterNode.SYSTEM_NAME, c));
  }

  private static Behavior<Void> guardian(NodeOptions options, boolean liveView) {
    return Behaviors.setup(
        context -> {
          ActorRef<RmCommand> rm = Replication.rm(context);
          ClusterJoin.join(context.getSystem(), options);
          CrashDetector.startIfEnabled(context);
          context.spawn(failureRecorder(rm), "failure-recorder");
          if (liveView) {
            context.spawn(LiveView.create(rm, Duration.ofSeconds(1)), "live-view");
          }
          return Behaviors.empty();
        });
  }

  /** Tells the rm about every member that becomes unreachable, reachable again, downed or removed. */
  private static Behavior<ClusterEvent.ClusterDomainEvent> failureRecorder(ActorRef<RmCommand> rm) {
    return Behaviors.setup(
        context -> {
          Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(context.getSelf(), ClusterEvent.ClusterDomainEvent.class));
          return Behaviors.receiveMessage(
              event -> {
                String text = null;
                String kind = "failure";
                if (event instanceof ClusterEvent.UnreachableMember u) {
                  text = u.member().address() + " is unreachable (heartbeats missing, or its process is gone)";
                } else if (event instanceof ClusterEvent.ReachableMember r) {
                  text = r.member().address() + " is reachable again";
                  kind = "membership";
                } else if (event instanceof ClusterEvent.MemberDowned d) {
                  text = d.member().address() + " was downed (its process was gone, or the split brain resolver decided, e.g. after a"
                      + " network partition): a downed node stops (exit code 1) and does not come back by itself; unless it was stopped on"
                      + " purpose, start it again with the same command (a supervisor's restart-on-failure does this)";
                } else if (event instanceof ClusterEvent.MemberRemoved r) {
                  text = r.member().address() + " was removed from the cluster";
                } else if (event instanceof ClusterEvent.MemberUp u) {
                  text = u.member().address() + " (" + String.join(",", u.member().getRoles().stream().filter(x -> !x.startsWith("dc-") && !CrashProbeTarget.isProbeRole(x)).toList()) + ") is up";
                  kind = "membership";
                }
                if (text != null) {
                  context.getLog().info("Cluster: {}", text);
                  rm.tell(new RmCommand.ClusterNews(kind, text));
                }
                return Behaviors.same();
              });
        });
  }

  /** Prints the status table whenever it changes, and each new history line as it appears. */
  private static final class LiveView {
    static Behavior<RmStatus> create(ActorRef<RmCommand> rm, Duration every) {
      return Behaviors.setup(
          context ->
              Behaviors.withTimers(
                  timers -> {
                    timers.startTimerWithFixedDelay(new RmStatus(-1, null, null, null, null, null, null, null, null, null, null), every);
                    String[] lastTable = {""};
                    long[] lastHistoryAt = {0};
                    return Behaviors.receiveMessage(
                        status -> {
                          if (status.epoch() < 0) {
                            rm.tell(new RmCommand.GetStatus(context.getSelf()));
                            return Behaviors.same();
                          }
                          for (RmStatus.HistoryEntry entry : status.history()) {
                            if (entry.at() > lastHistoryAt[0]) {
                              System.out.println(StatusTable.historyLine(entry));
                              lastHistoryAt[0] = entry.at();
                            }
                          }
                          String table = StatusTable.render(withoutReportTime(status));
                          if (!table.equals(lastTable[0])) {
                            System.out.println();
                            System.out.print(StatusTable.render(status));
                            lastTable[0] = table;
                          }
                          return Behaviors.same();
                        });
                  }));
    }

    /** The table without the report's own timestamp, so an unchanged picture is not printed again. */
    private static RmStatus withoutReportTime(RmStatus s) {
      var r = s.lastReport();
      var stable = r == null ? null : new peerlink.replication.ReplicationReport(0, r.epoch(), r.primary(), r.writeId(), r.backups(), r.checkpointSeqNr(), r.checkpointAt());
      var stores = s.stores().stream().map(x -> new RmStatus.Store(x.node(), x.storeId(), x.lineage(), x.position(), x.committed(), 0,
          x.diskProblem() == null ? null : "low")).toList(); // the free megabytes change at every report
      return new RmStatus(s.epoch(), s.primary(), s.isr(), s.members(), stable, s.history(), s.isrStores(), s.lineage(), s.acked(), stores, s.primaryStore());
    }
  }
}
