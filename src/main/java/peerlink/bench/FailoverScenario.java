package peerlink.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code failover}: for each of {@code --trials} fresh primary + backup + rm trios, {@code --clients}
 * clients send at a steady {@code --rate} (all connected to the primary, or with {@code --clients-on both}
 * every other one to the backup); the primary gets SIGKILL at a random moment. Measured: kill →
 * first new SENT (a SENT whose send was issued after the kill). Every SENT message must then arrive exactly
 * once and in per-sender order. Trial rows give the failover time and the send → delivery latencies of the
 * trial; the summary row gives the median failover as {@code p50Ms}, the worst as {@code maxMs} (and
 * {@code p99Ms}), the best as {@code minMs}.
 */
final class FailoverScenario implements Scenario {
  private static final long NONE = Long.MAX_VALUE;

  @Override
  public List<ResultRow> run(BenchContext ctx) {
    BenchOptions o = ctx.options;
    if (o.deployment() != null && !Deployment.REPLICATED.equals(o.deployment())) {
      throw new BenchException("failover needs --deployment replicated");
    }
    if (!BenchOptions.ON_PRIMARY.equals(o.clientsOn()) && !BenchOptions.ON_BOTH.equals(o.clientsOn())) {
      throw new BenchException("--clients-on must be primary or both, not '" + o.clientsOn() + "'");
    }
    List<ResultRow> rows = new ArrayList<>();
    List<Double> failovers = new ArrayList<>();
    double deliveredRates = 0;
    long lost = 0;
    long dup = 0;
    long reordered = 0;
    boolean allPassed = true;
    for (int trial = 1; trial <= o.trials(); trial++) {
      ResultRow row = trial(ctx, trial);
      rows.add(row);
      double ms = ((Number) row.get("failoverMs")).doubleValue();
      if (ms >= 0) {
        failovers.add(ms);
      }
      lost += (Long) row.get("lost");
      dup += (Long) row.get("dup");
      reordered += (Long) row.get("reordered");
      allPassed &= row.passed();
      deliveredRates += ((Number) row.get("deliveredRate")).doubleValue();
    }
    List<Double> sorted = failovers.stream().sorted().toList();
    double median = median(sorted);
    double max = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
    double min = sorted.isEmpty() ? 0 : sorted.get(0);
    rows.add(new ResultRow("failover", Deployment.REPLICATED, "summary")
        .rates(o.rateOr(200), deliveredRates / o.trials())
        .latencies(median, max, max)
        .losses(lost, dup)
        .put("reordered", reordered)
        .pass(allPassed && failovers.size() == o.trials())
        .put("unit", "ms kill → first new SENT")
        .put("minMs", min)
        .put("clientsOn", o.clientsOn())
        .put("trials", o.trials())
        .put("recovered", failovers.size())
        .put("seed", ctx.seed)
        .put("settings", settings()));
    return rows;
  }

  private ResultRow trial(BenchContext ctx, int trial) {
    BenchOptions o = ctx.options;
    int clients = o.clientsOr(50);
    double rate = o.rateOr(200);
    Deployment deployment = ctx.deployPrivate(Deployment.REPLICATED, "failover-trial-" + trial);
    Steps steps = new Steps();
    Step step = steps.add("trial " + trial, rate);
    DeliveryLedger ledger = new DeliveryLedger(clients);
    DeliveryListener.Connections connections = new DeliveryListener.Connections();
    List<String> primaryFirst = deployment.servers();
    List<String> backupFirst = new ArrayList<>(primaryFirst);
    java.util.Collections.reverse(backupFirst);
    boolean both = BenchOptions.ON_BOTH.equals(o.clientsOn());
    List<Peers.Peer> peers = Peers.connectAll(
        ctx, i -> both && i % 2 == 1 ? backupFirst : primaryFirst, "p", 0, clients, i -> new DeliveryListener(i, steps, ledger, true, connections));
    AtomicLong killedAt = new AtomicLong(NONE);
    AtomicLong firstNewSent = new AtomicLong(NONE);
    PairTraffic traffic = new PairTraffic(peers, ledger, false, ctx.random, (issuedAt, ackedAt) -> {
      if (issuedAt > killedAt.get()) {
        firstNewSent.accumulateAndGet(ackedAt, Math::min);
      }
    });
    double killAfter = o.killAfterMin() + ctx.random.nextDouble() * Math.max(0, o.killAfterMax() - o.killAfterMin());
    ctx.progress.line(String.format("trial %d/%d: %d clients (%s) send %.0f msg/s; SIGKILL of the primary (pid %d) after %.2f s",
        trial, o.trials(), clients, both ? "every other one on the backup" : "all on the primary", rate, deployment.primary().pid(), killAfter));
    ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-killer"));
    killer.schedule(() -> {
      killedAt.set(System.nanoTime());
      java.time.LocalTime wallClock = java.time.LocalTime.now();
      deployment.primary().kill();
      ctx.progress.line("SIGKILL sent to the primary at " + wallClock + " (local time, to match the node logs)");
    }, (long) (killAfter * 1000), TimeUnit.MILLISECONDS);
    step.started();
    ctx.progress.watch(() -> status(step, killedAt.get(), firstNewSent.get(), connections));
    double longest = killAfter + o.failoverTimeout() + o.afterKill();
    try {
      Pacer.run(rate / traffic.unitsPerSend(), longest, () -> {
        long now = System.nanoTime();
        long kill = killedAt.get();
        long first = firstNewSent.get();
        return (first != NONE && now - first > o.afterKill() * 1e9) || (kill != NONE && now - kill > o.failoverTimeout() * 1e9);
      }, () -> traffic.send(step));
      step.ended();
      awaitAnswers(ctx, step, 60);
      awaitDeliveries(ctx, ledger, o.finalDrain());
      Sleep.millis(1000); // a late duplicate would show up here
    } finally {
      ctx.progress.unwatch();
      killer.shutdownNow();
    }
    long kill = killedAt.get();
    long first = firstNewSent.get();
    double failoverMs = kill != NONE && first != NONE ? (first - kill) / 1e6 : -1;
    long lost = ledger.ackedButMissing();
    long dup = step.duplicates.sum();
    long reordered = step.reordered.sum();
    long unanswered = step.issued.sum() - step.acked.sum() - step.errors.sum();
    ctx.progress.line(String.format("trial %d: kill → first new SENT %s; lost %d, dup %d, reordered %d",
        trial, failoverMs < 0 ? "never" : String.format("%.0f ms", failoverMs), lost, dup, reordered));
    ResultRow row = new ResultRow("failover", Deployment.REPLICATED, "trial " + trial)
        .rates(rate, step.delivered.sum() / step.seconds())
        .latencies(step.histogram())
        .losses(lost, dup)
        .put("reordered", reordered)
        .pass(failoverMs >= 0 && lost == 0 && dup == 0 && reordered == 0)
        .put("failoverMs", failoverMs)
        .put("killAfterS", killAfter)
        .put("sends", step.issued.sum())
        .put("acked", step.acked.sum())
        .put("unanswered", unanswered)
        .put("errors", step.errors.sum())
        .put("reconnects", connections.disconnects.sum());
    Peers.closeAll(peers, 10);
    ctx.stop(deployment);
    return row;
  }

  private static String status(Step step, long killedAt, long firstNewSent, DeliveryListener.Connections connections) {
    long now = System.nanoTime();
    String phase;
    if (killedAt == NONE) {
      phase = "before the kill";
    } else if (firstNewSent == NONE) {
      phase = String.format("%.1f s after the kill, no new SENT yet", (now - killedAt) / 1e9);
    } else {
      phase = String.format("failover took %.0f ms", (firstNewSent - killedAt) / 1e6);
    }
    return String.format("%s: %d sent, %d SENT, %d delivered, %d clients connected — %s",
        step.label, step.issued.sum(), step.acked.sum(), step.delivered.sum(), connections.connected.get(), phase);
  }

  private static void awaitAnswers(BenchContext ctx, Step step, double seconds) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (step.acked.sum() + step.errors.sum() < step.issued.sum() && System.nanoTime() < deadline) {
      Sleep.millis(50);
    }
  }

  private static void awaitDeliveries(BenchContext ctx, DeliveryLedger ledger, double seconds) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (ledger.ackedButMissing() > 0 && System.nanoTime() < deadline) {
      Sleep.millis(200);
    }
  }

  static double median(List<Double> sorted) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The cluster timings the nodes run with (conf/peerlink.conf), which decide how fast a failover can be. */
  private static String settings() {
    try {
      Config c = ConfigFactory.load();
      String fd = "pekko.cluster.failure-detector.";
      return "heartbeat-interval=" + c.getString(fd + "heartbeat-interval")
          + " acceptable-heartbeat-pause=" + c.getString(fd + "acceptable-heartbeat-pause")
          + " stable-after=" + c.getString("pekko.cluster.split-brain-resolver.stable-after")
          + " down-removal-margin=" + c.getString("pekko.cluster.down-removal-margin")
          + " gossip-interval=" + c.getString("pekko.cluster.gossip-interval")
          + " crash-detector=" + (c.getBoolean("peerlink.cluster.crash-detector") ? "on" : "off");
    } catch (RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
