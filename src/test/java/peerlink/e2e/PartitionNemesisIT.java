package peerlink.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 item 4, "partitions keep the invariants": a nemesis in the spirit of Jepsen. Primary, backup and rm
 * run as real {@code bin/peerlink} processes, each in a network namespace of its own ({@link NetworkLab}), while
 * peers logged in on both router nodes send to each other throughout. A seeded random schedule of faults (cut the
 * link of one pair of nodes, isolate one node, SIGKILL a node, SIGSTOP one) runs for
 * {@code -Dpeerlink.nemesis.minutes} (default 1, which the default test command runs); each fault is held a few seconds and healed, and then the
 * cluster must come back to full service (a primary and an in-sync backup, every node an Up member, new sends
 * acknowledged) within {@link #RECOVERY}.
 *
 * <p>A node the cluster downed stops by design and its process exits with code 1 (README, exit codes); the only
 * manual step of this deployment is then to start it again with the same command. The test does that step
 * whenever a process has ended, as a supervisor would, and prints each time which fault made it necessary. At the
 * end every acknowledged message must have arrived once, in per-sender order ({@link Ledger}).
 *
 * <p>Prints its seed and every step with its time; {@code -Dpeerlink.e2e.seed=S} replays the schedule (the
 * interleaving with the nodes' own timing is the machine's). Skipped, saying why, where network namespaces
 * cannot be made (not root).
 */
class PartitionNemesisIT {
  /**
   * How long the cluster may take after a heal to serve again. Usually 1-45 s; but a restarted node needs a
   * JVM start, a join and a full copy, and on a starved machine (load 27 on 2 cores, these nodes at the lowest
   * priority) one restarted router took 71 s to start Pekko and 150 s to be in sync again. A node that is never
   * caught up (the bug ReplicationCopyTest now covers) still fails this.
   */
  static final Duration RECOVERY = Duration.ofSeconds(300);
  private static final List<String> NODES = List.of("p1", "p2", "rm");
  private static final List<String> ROUTERS = List.of("p1", "p2");

  @TempDir Path temp;

  @Test
  void partitionsKillsAndFreezesLoseNothingAcknowledgedAndTheClusterComesBack() throws Exception {
    Optional<String> unavailable = NetworkLab.unavailable();
    Assumptions.assumeTrue(unavailable.isEmpty(), () -> "PartitionNemesisIT skipped: " + unavailable.orElse(""));
    double minutes = Double.parseDouble(System.getProperty("peerlink.nemesis.minutes", "1"));
    try (NetworkLab lab = NetworkLab.create(NODES, ROUTERS)) {
      Scenario.repeat("PartitionNemesisIT", temp, 1, lab, s -> new Run(s, lab, Duration.ofMillis((long) (minutes * 60_000))).run());
    }
  }

  /** One fault of the schedule. */
  record Fault(String kind, List<String> nodes, Duration hold) {
    @Override
    public String toString() {
      return kind + " " + String.join(",", nodes) + " for " + hold.toMillis() / 1000.0 + " s";
    }
  }

  /** The next fault, from the schedule's own random (the seed decides the whole sequence of faults). */
  static Fault nextFault(Random random) {
    int pick = random.nextInt(100);
    if (pick < 35) {
      List<String> pair = new ArrayList<>(NODES);
      pair.remove(random.nextInt(3));
      return new Fault("partition", pair, Duration.ofMillis(3_000 + random.nextInt(9_000)));
    } else if (pick < 55) {
      return new Fault("isolate", List.of(NODES.get(random.nextInt(3))), Duration.ofMillis(3_000 + random.nextInt(9_000)));
    } else if (pick < 80) {
      // Mostly router nodes (the "SIGKILL a router node"); the rm now and then.
      String node = random.nextInt(5) == 0 ? "rm" : ROUTERS.get(random.nextInt(2));
      return new Fault("kill", List.of(node), Duration.ofMillis(1_000 + random.nextInt(7_000)));
    } else {
      return new Fault("freeze", List.of(NODES.get(random.nextInt(3))), Duration.ofMillis(2_000 + random.nextInt(8_000)));
    }
  }

  private static final class Run {
    private final Scenario s;
    private final Cluster3 cluster;
    private final NetworkLab lab;
    private final Duration budget;
    /** The schedule's own random, apart from the scenario's (which the load uses), so faults depend on the seed only. */
    private final Random schedule;
    private final long t0 = System.nanoTime();
    private final List<String> log = new ArrayList<>();
    private final Map<String, Integer> restarts = new LinkedHashMap<>();
    // Whether the rm's history (bin/peerlink status prints it) told an operator a downed node must be started again.
    private boolean downedNoticed;
    private final List<Double> recoveries = new ArrayList<>();
    /** Every promotion the rm's history showed while the test polled it: epoch -> the nodes made primary at it. */
    private final Map<Long, Set<String>> promotions = new TreeMap<>();

    Run(Scenario s, NetworkLab lab, Duration budget) {
      this.s = s;
      this.cluster = s.cluster;
      this.lab = lab;
      this.budget = budget;
      this.schedule = new Random(s.seed * 31 + 7);
    }

    void run() throws Exception {
      cluster.start();
      s.peersOnBothNodes(6);
      s.registerAll();
      s.startLoad(s.peers, 10);
      System.out.printf("nemesis: %s; faults for %.1f min, seed %d%n", lab, budget.toMillis() / 60_000.0, s.seed);
      Await.keepRunningFor(Duration.ofSeconds(3));
      long faultsStart = System.nanoTime();
      int step = 0;
      while (System.nanoTime() - faultsStart < budget.toNanos()) {
        step++;
        Fault fault = nextFault(schedule);
        long before = s.ledger.sentCount();
        say("step " + step + ": " + fault);
        inject(fault);
        Await.keepRunningFor(fault.hold());
        heal(fault);
        long healed = System.nanoTime();
        awaitFullService(healed, "step " + step + " (" + fault + ")");
        double took = Await.seconds(System.nanoTime() - healed);
        recoveries.add(took);
        say(String.format("step %d: full service %.1f s after the heal; %d more SENT during the step; %s", step, took, s.ledger.sentCount() - before,
            s.ledger.summary()));
        Await.keepRunningFor(Duration.ofMillis(2_000 + schedule.nextInt(3_000)));
      }
      say("faults over after " + step + " steps; everything healed, nothing down");
      Await.keepRunningFor(Duration.ofSeconds(5));
      s.load().stop();
      try {
        Await.until(Scenario.DRAIN, s.ledger::settled, s.ledger::progress);
      } catch (AssertionError notSettled) {
        say("the ledger did not settle: " + notSettled.getMessage());
      }
      printFigures();
      // The nodes' logs are the evidence behind every line of the schedule: kept whatever the outcome.
      System.out.println("node logs kept in " + cluster.preserveLogs(s.label));
      s.drainAndVerify();
    }

    private void inject(Fault fault) throws Exception {
      switch (fault.kind()) {
        case "partition" -> lab.cut(fault.nodes().get(0), fault.nodes().get(1));
        case "isolate" -> lab.isolate(fault.nodes().get(0));
        case "kill" -> node(fault.nodes().get(0)).kill();
        case "freeze" -> node(fault.nodes().get(0)).freeze();
        default -> throw new IllegalArgumentException(fault.kind());
      }
    }

    private void heal(Fault fault) throws Exception {
      switch (fault.kind()) {
        case "partition", "isolate" -> lab.healAll();
        case "kill" -> {
          // The killed node's restart is part of the fault (the operator's restart after a crash), not a repair.
          NodeProcess node = node(fault.nodes().get(0));
          node.launch();
          say("  restarted " + node.name() + " after its SIGKILL");
          return;
        }
        case "freeze" -> node(fault.nodes().get(0)).thaw();
        default -> throw new IllegalArgumentException(fault.kind());
      }
      say("  healed (" + fault.kind() + " " + String.join(",", fault.nodes()) + ")");
    }

    /**
     * Waits until a router node is primary at the rm's epoch with its store there, the other router is in the
     * in-sync set, all three are Up members, and a send submitted after {@code since} was SENT. Meanwhile any
     * node whose process ended is started again with its own command, the one manual step this deployment
     * documents (a downed node exits with code 1); each such restart is printed and counted.
     */
    private void awaitFullService(long since, String after) {
      String[] last = {""};
      try {
        Await.until(RECOVERY, () -> {
          restartEnded(after);
          JsonNode view = cluster.rmView();
          if (view == null) {
            last[0] = "no router node answers with the rm's view";
            return false;
          }
          notePromotions(view);
          NodeProcess primary = null;
          for (NodeProcess router : List.of(cluster.p1, cluster.p2)) {
            if (router.address().equals(view.path("primary").asText())) {
              primary = router;
            }
          }
          if (primary == null) {
            last[0] = "no primary: " + view;
            return false;
          }
          long[] position = Cluster3.storePosition(primary);
          boolean storeAtEpoch = position != null && position[0] == view.path("epoch").asLong();
          boolean bothInSync = Cluster3.strings(view.path("isr")).containsAll(List.of(cluster.p1.address(), cluster.p2.address()));
          boolean allUp = cluster.nodes().stream().allMatch(cluster::memberUp);
          boolean serving = s.ledger.firstSentSubmittedAfter(since).isPresent();
          last[0] = "primary " + primary.name() + " store at epoch " + storeAtEpoch + ", both in sync " + bothInSync + ", all Up " + allUp
              + ", a new send SENT " + serving + "; rm view " + view;
          return storeAtEpoch && bothInSync && allUp && serving;
        }, () -> "full service after " + after + ": " + last[0]);
      } catch (AssertionError notBack) {
        throw new AssertionError(notBack.getMessage() + "\nschedule so far:\n" + String.join("\n", log) + "\n" + cluster.logTails(40), notBack);
      }
    }

    /** Starts every node whose process has ended (each exit is printed with its code and the step behind it). */
    private void restartEnded(String after) {
      for (NodeProcess node : cluster.nodes()) {
        if (!node.alive()) {
          Integer code;
          try {
            code = node.awaitExit(Duration.ZERO);
            say("  " + node.name() + " exited with code " + code + (code != null && code == 1 ? " (downed by the cluster)" : "")
                + " after " + after + ": restarting it with its own command (the manual step: start it again)");
            node.launch();
          } catch (Exception e) {
            throw new AssertionError("could not restart " + node.name(), e);
          }
          restarts.merge(node.name() + " exit " + code, 1, Integer::sum);
        }
      }
    }

    /** Records the promotions in the rm's history (it keeps its last 50 entries; the test polls it often). */
    private void notePromotions(JsonNode view) {
      Pattern promotion = Pattern.compile("(\\S+) became primary at epoch (\\d+)");
      for (JsonNode entry : view.path("history")) {
        if (entry.path("text").asText().contains(" was downed") && entry.path("text").asText().contains("start it again with the same command")) {
          downedNoticed = true;
        }
        Matcher m = promotion.matcher(entry.path("text").asText());
        if (entry.path("kind").asText().equals("promotion") && m.find()) {
          promotions.computeIfAbsent(Long.parseLong(m.group(2)), e -> new TreeSet<>()).add(m.group(1));
        }
      }
    }

    private void printFigures() {
      List<String> violations = s.ledger.violations();
      long lost = violations.stream().filter(v -> v.startsWith("LOST")).count();
      long duplicated = violations.stream().filter(v -> v.startsWith("DUPLICATE")).count();
      long reordered = violations.stream().filter(v -> v.startsWith(Ledger.ORDER)).count();
      System.out.println("nemesis schedule (seed " + s.seed + "):\n" + String.join("\n", log));
      System.out.println("restarts of processes the cluster had stopped (the manual step): " + (restarts.isEmpty() ? "none" : restarts));
      System.out.println("promotions seen in the rm's history (epoch=primary): " + promotions);
      System.out.println("recovery after each heal (s): " + recoveries.stream().map(r -> String.format("%.1f", r)).toList());
      System.out.printf("ledger: %s; lost %d, duplicated %d, reordered %d, other violations %d%n", s.ledger.summary(), lost, duplicated, reordered,
          violations.size() - lost - duplicated - reordered);
      assertTrue(s.ledger.sentCount() > 0, "something was acknowledged");
      // Printed, not asserted: the rm keeps this news in memory, and an rm downed with the router loses it.
      System.out.println("the rm's history told an operator to start a downed node again: " + (downedNoticed ? "yes" : "not seen"));
      // Single writer (DESIGN.md §4 invariant 4), as the rm decided it: never two primaries for one epoch.
      promotions.forEach((epoch, nodes) -> assertTrue(nodes.size() == 1, "epoch " + epoch + " was granted to " + nodes));
    }

    private NodeProcess node(String name) {
      return cluster.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    private void say(String text) {
      String line = String.format("%s +%6.1f s %s", LocalTime.now().truncatedTo(ChronoUnit.MILLIS), Await.seconds(System.nanoTime() - t0), text);
      log.add(line);
      System.out.println(line);
    }
  }
}
