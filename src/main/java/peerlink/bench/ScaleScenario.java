package peerlink.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import peerlink.client.ClientListener;

/**
 * {@code scale}: how the router's memory, checkpoints, restart and failover grow with the state it holds.
 * A replicated deployment gets {@code --peers} registered peers (default 1,000,000) with {@code --per-peer}
 * messages of 100 bytes queued for each while they are away (default 10: 10,000,000), in four stages that
 * double the state. A working set of {@code --clients} peers (default 50) stays online: it queues the
 * messages and, after each stage, exchanges {@code --rate} messages per second for {@code
 * --duration-per-step} seconds, whose send → delivery latency shows what the state costs live traffic.
 *
 * <p>After each half of a stage (registrations, then queueing) the primary's and the backup's live heap
 * (after a full collection, {@link LiveHeap}) and RSS are read, so the heap per peer and per queued message
 * can be read off separately. Then the whole cluster is stopped and started again (restart time until ready,
 * and until a first SENT), the primary is SIGKILLed under the working set's traffic (kill → first new SENT),
 * and a sample of the away peers comes back through the surviving node: each must get its messages once, in
 * order.
 */
final class ScaleScenario implements Scenario {
  private static final int DEFAULT_PEERS = 1_000_000;
  private static final int DEFAULT_PER_PEER = 10;
  private static final int STAGES = 4;
  /** Away peers that come back at the end to check what was queued for them (spread over all stages). */
  private static final int SAMPLE = 100;
  private static final long NONE = Long.MAX_VALUE;
  private static final Pattern CHECKPOINT =
      Pattern.compile("Checkpoint \\S+ at (\\d+) saved: (\\d+) KiB, and (\\d+) new pieces of (\\d+) \\((\\d+) KiB\\), serialized and written in (\\d+) ms");

  @Override
  public List<ResultRow> run(BenchContext ctx) {
    BenchOptions o = ctx.options;
    if (o.deployment() != null && !Deployment.REPLICATED.equals(o.deployment())) {
      throw new BenchException("scale needs --deployment replicated (it measures the backup and a failover)");
    }
    int total = o.peersOr(DEFAULT_PEERS);
    int perPeer = o.perPeerOr(DEFAULT_PER_PEER);
    int workers = o.clientsOr(50);
    if (total < STAGES || perPeer < 1) {
      throw new BenchException("scale needs --peers of at least " + STAGES + " and --per-peer of at least 1");
    }
    Deployment deployment = ctx.deployPrivate(Deployment.REPLICATED, "scale");
    Steps steps = new Steps();
    DeliveryLedger ledger = new DeliveryLedger(workers);
    DeliveryListener.Connections connections = new DeliveryListener.Connections();
    List<Peers.Peer> working =
        Peers.connectAll(ctx, deployment.servers(), "w", 0, workers, i -> new DeliveryListener(i, steps, ledger, true, connections));
    // One traffic source for the whole run: its sequence numbers per sender and recipient must go on rising.
    AtomicReference<PairTraffic.AckHook> onAck = new AtomicReference<>((issuedAt, ackedAt) -> {});
    PairTraffic traffic = new PairTraffic(working, ledger, false, ctx.random, (issuedAt, ackedAt) -> onAck.get().acked(issuedAt, ackedAt));
    ctx.progress.line(String.format("%d working-set peers online; growing to %,d away peers with %d messages each in %d stages", workers, total, perPeer, STAGES));

    List<ResultRow> rows = new ArrayList<>();
    List<Peers.Peer> sample = new ArrayList<>();
    int[] sends = new int[workers]; // sequence per working-set sender, for the sample's order check
    int registered = 0;
    for (int stage = 1; stage <= STAGES; stage++) {
      int target = (int) ((long) total * (1L << (stage - 1)) / (1L << (STAGES - 1)));
      long started = System.nanoTime();
      registerAway(ctx, deployment, registered, target, total, sample);
      double registerSeconds = (System.nanoTime() - started) / 1e9;
      rows.add(measure(ctx, deployment, "stage " + stage + " peers", target, (long) registered * perPeer)
          .put("addedPeers", target - registered)
          .put("registerRate", round((target - registered) / registerSeconds)));
      started = System.nanoTime();
      queue(ctx, working, registered, target, perPeer, sends);
      double queueSeconds = (System.nanoTime() - started) / 1e9;
      long queued = (long) target * perPeer;
      ResultRow afterQueue = measure(ctx, deployment, "stage " + stage + " queued", target, queued)
          .put("addedMessages", (long) (target - registered) * perPeer)
          .put("queueRate", round((long) (target - registered) * perPeer / queueSeconds));
      registered = target;
      live(ctx, steps, traffic, "stage " + stage + " live", afterQueue);
      rows.add(afterQueue);
    }
    rows.add(growth(rows));

    long queued = (long) total * perPeer;
    Step first = steps.add("after restart", 0);
    double readySeconds = deployment.restart(ctx.options, ctx.progress);
    double firstSentSeconds = readySeconds + firstSent(traffic, first);
    rows.add(new ResultRow("scale", Deployment.REPLICATED, "restart")
        .pass(true)
        .put("peers", total)
        .put("queued", queued)
        .put("readyS", round(readySeconds))
        .put("firstSentS", round(firstSentSeconds))
        .put("unit", "s: stop of the whole cluster → ready, → first SENT"));

    rows.add(failover(ctx, deployment, steps, traffic, onAck, ledger, total, queued));
    rows.add(drainSample(ctx, deployment, sample, perPeer, workers));
    Peers.closeAll(working, 10);
    ctx.stop(deployment);
    return rows;
  }

  /** Registers peers {@code from} .. {@code to - 1} (IDs {@code a<index>}), each on a connection of its own that closes again. */
  private static void registerAway(BenchContext ctx, Deployment deployment, int from, int to, int total, List<Peers.Peer> sample) {
    int chunk = 2_000;
    int every = Math.max(1, total / SAMPLE);
    for (int start = from; start < to; start += chunk) {
      int count = Math.min(chunk, to - start);
      List<Peers.Peer> peers = Peers.connectAll(ctx, deployment.servers(), "a", start, count, i -> new ClientListener() {});
      for (Peers.Peer peer : peers) {
        if (peer.index() % every == 0 && sample.size() < SAMPLE) {
          sample.add(peer);
        }
      }
      Peers.closeAll(peers, 30);
      ctx.progress.line(String.format("registered %,d of %,d away peers", start + count, to));
    }
  }

  /**
   * Queues {@code perPeer} messages for each away peer {@code from} .. {@code to - 1}, from the working set
   * (peer {@code r}'s k-th message from sender {@code (r + k) % workers}), at most {@code --window} awaiting SENT.
   */
  private static void queue(BenchContext ctx, List<Peers.Peer> working, int from, int to, int perPeer, int[] sends) {
    int workers = working.size();
    Window window = new Window(ctx.options.window());
    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long count = (long) (to - from) * perPeer;
    long started = System.nanoTime();
    ctx.progress.watch(() -> String.format("queueing: %,d/%,d SENT (%.0f/s), %d failed",
        acked.get(), count, acked.get() / Math.max(1e-9, (System.nanoTime() - started) / 1e9), failed.get()));
    try {
      for (int k = 0; k < perPeer; k++) {
        for (int r = from; r < to; r++) {
          int s = (r + k) % workers;
          window.acquire(120);
          working.get(s).client()
              .send("a" + r, body(s, r, k))
              .whenComplete((ok, failure) -> {
                if (failure == null) {
                  acked.incrementAndGet();
                } else {
                  failed.incrementAndGet();
                }
                window.release();
              });
        }
      }
      if (!window.awaitEmpty(120)) {
        throw new BenchException(window.inFlight() + " queued messages still without SENT 120 s after the last was sent");
      }
    } finally {
      ctx.progress.unwatch();
    }
    if (failed.get() > 0) {
      throw new BenchException(failed.get() + " of " + count + " messages to away peers were refused (see the node logs)");
    }
  }

  /** The body of away peer {@code r}'s k-th message: 100 bytes naming sender and k, so the sample check can tell order. */
  static String body(int sender, int recipient, int k) {
    return Payload.encode(-1, sender, k, recipient);
  }

  /** Heap after a full collection and RSS of both routers, the store's size and the last checkpoint. */
  private static ResultRow measure(BenchContext ctx, Deployment deployment, String label, int peers, long queued) {
    ctx.progress.line(label + (queued >= 100_000 ? ": three full collections in both routers, 2 s apart, then the least heap each kept"
        : ": a full collection in both routers, then their heap"));
    ResultRow row = new ResultRow("scale", Deployment.REPLICATED, label).pass(true).put("peers", peers).put("queued", queued);
    for (NodeProcess node : deployment.routers()) {
      String role = node == deployment.primary() ? "primary" : "backup";
      // A small state makes small checkpoints: one reading is enough there (the test suite's tiny run).
      long heap = LiveHeap.leastAfterFullGcKib(node.pid(), queued >= 100_000 ? 3 : 1, java.time.Duration.ofSeconds(2));
      long rss = ProcessMemory.rssKib(node.pid());
      row.put(role + "HeapMiB", heap < 0 ? -1 : round(heap / 1024.0)).put(role + "RssMiB", rss < 0 ? -1 : round(rss / 1024.0));
    }
    row.put("storeMiB", round(sizeOf(deployment.dir().resolve("primary-data")) / (1024.0 * 1024.0)));
    Matcher checkpoint = lastCheckpoint(deployment.primary().log());
    if (checkpoint != null) {
      row.put("checkpointAtEvent", Long.parseLong(checkpoint.group(1)))
          .put("checkpointKiB", Long.parseLong(checkpoint.group(2)) + Long.parseLong(checkpoint.group(5)))
          .put("checkpointPieces", Long.parseLong(checkpoint.group(4)))
          .put("checkpointMs", Long.parseLong(checkpoint.group(6)));
    }
    ctx.progress.line(label + ": " + row.get("primaryHeapMiB") + " MiB live heap on the primary, " + row.get("backupHeapMiB") + " on the backup");
    return row;
  }

  /** The working set exchanges messages for a step's duration; its delivery latency goes into {@code row}. */
  private static void live(BenchContext ctx, Steps steps, PairTraffic traffic, String label, ResultRow row) {
    double rate = ctx.options.rateOr(200);
    Step step = steps.add(label, rate);
    step.started();
    Pacer.run(rate, ctx.options.durationPerStep(), () -> false, () -> traffic.send(step));
    long deadline = System.nanoTime() + (long) (ctx.options.drain() * 1e9) + 2_000_000_000L;
    while (step.delivered.sum() < step.issued.sum() && System.nanoTime() < deadline) {
      Sleep.millis(20);
    }
    step.ended();
    row.rates(rate, step.delivered.sum() / step.seconds()).latencies(step.histogram()).losses(0, step.duplicates.sum());
    row.pass(row.passed() && step.delivered.sum() >= step.issued.sum() && step.duplicates.sum() == 0 && step.reordered.sum() == 0);
  }

  /** Seconds from now until a working-set peer's send is SENT (the clients reconnect on their own). */
  private static double firstSent(PairTraffic traffic, Step step) {
    long started = System.nanoTime();
    long deadline = started + 120_000_000_000L;
    while (step.acked.sum() == 0) {
      if (System.nanoTime() > deadline) {
        throw new BenchException("no SENT within 120 s of the restarted cluster being ready");
      }
      traffic.send(step);
      Sleep.millis(20);
    }
    return (System.nanoTime() - started) / 1e9;
  }

  /** SIGKILL of the primary under the working set's traffic: kill → first SENT of a send issued after the kill. */
  private static ResultRow failover(
      BenchContext ctx, Deployment deployment, Steps steps, PairTraffic traffic, AtomicReference<PairTraffic.AckHook> onAck, DeliveryLedger ledger, int peers, long queued) {
    BenchOptions o = ctx.options;
    double rate = o.rateOr(200);
    Step step = steps.add("failover", rate);
    AtomicLong killedAt = new AtomicLong(NONE);
    AtomicLong firstNewSent = new AtomicLong(NONE);
    onAck.set((issuedAt, ackedAt) -> {
      if (issuedAt > killedAt.get()) {
        firstNewSent.accumulateAndGet(ackedAt, Math::min);
      }
    });
    NodeProcess primary = deployment.primary();
    ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-killer"));
    killer.schedule(() -> {
      killedAt.set(System.nanoTime());
      primary.kill();
      ctx.progress.line("SIGKILL sent to the primary (" + primary + ") at " + java.time.LocalTime.now());
    }, 5, TimeUnit.SECONDS);
    step.started();
    try {
      Pacer.run(rate, 5 + o.failoverTimeout() + o.afterKill(), () -> {
        long now = System.nanoTime();
        long first = firstNewSent.get();
        long kill = killedAt.get();
        return (first != NONE && now - first > o.afterKill() * 1e9) || (kill != NONE && now - kill > o.failoverTimeout() * 1e9);
      }, () -> traffic.send(step));
      long deadline = System.nanoTime() + (long) (o.finalDrain() * 1e9);
      while (ledger.ackedButMissing() > 0 && System.nanoTime() < deadline) {
        Sleep.millis(200);
      }
    } finally {
      killer.shutdownNow();
    }
    step.ended();
    long kill = killedAt.get();
    long first = firstNewSent.get();
    double failoverMs = kill != NONE && first != NONE ? (first - kill) / 1e6 : -1;
    long lost = ledger.ackedButMissing();
    ctx.progress.line(String.format("failover with %,d peers and %,d queued: kill → first new SENT %s; lost %d",
        peers, queued, failoverMs < 0 ? "never" : String.format("%.0f ms", failoverMs), lost));
    return new ResultRow("scale", Deployment.REPLICATED, "failover")
        .rates(rate, step.delivered.sum() / step.seconds())
        .latencies(failoverMs, failoverMs, failoverMs)
        .losses(lost, step.duplicates.sum())
        .pass(failoverMs >= 0 && lost == 0 && step.duplicates.sum() == 0 && step.reordered.sum() == 0)
        .put("unit", "ms kill → first new SENT")
        .put("failoverMs", round(failoverMs))
        .put("peers", peers)
        .put("queued", queued);
  }

  /** The sampled away peers come back (to whichever router survives) and must get each queued message once, in order. */
  private static ResultRow drainSample(BenchContext ctx, Deployment deployment, List<Peers.Peer> sample, int perPeer, int workers) {
    List<SampleInbox> inboxes = new ArrayList<>();
    List<Peers.Peer> back = new ArrayList<>();
    long started = System.nanoTime();
    for (Peers.Peer peer : sample) {
      SampleInbox inbox = new SampleInbox(peer.index(), workers);
      inboxes.add(inbox);
      back.add(Peers.reconnect(ctx, deployment.servers(), peer, inbox));
    }
    long deadline = started + (long) (Math.max(60, ctx.options.finalDrain()) * 1e9);
    while (inboxes.stream().anyMatch(i -> i.received() < perPeer) && System.nanoTime() < deadline) {
      Sleep.millis(100);
    }
    Sleep.millis(500); // a late duplicate would show up here
    long received = inboxes.stream().mapToLong(SampleInbox::received).sum();
    long missing = inboxes.stream().mapToLong(i -> Math.max(0, perPeer - i.received())).sum();
    long dup = inboxes.stream().mapToLong(SampleInbox::duplicates).sum();
    long reordered = inboxes.stream().mapToLong(SampleInbox::reordered).sum();
    Peers.closeAll(back, 10);
    ctx.progress.line(String.format("%d sampled away peers came back: %d messages, %d missing, %d duplicated, %d out of order",
        sample.size(), received, missing, dup, reordered));
    return new ResultRow("scale", Deployment.REPLICATED, "sample drain")
        .losses(missing, dup)
        .pass(missing == 0 && dup == 0 && reordered == 0)
        .put("reordered", reordered)
        .put("sampledPeers", sample.size())
        .put("received", received)
        .put("drainS", round((System.nanoTime() - started) / 1e9));
  }

  /**
   * What one returning away peer got. Its k-th message came from sender (r + k) % workers; the router keeps
   * each sender's order (not the order between senders), so k must rise per sender, and each k come once.
   */
  private static final class SampleInbox implements ClientListener {
    private final int recipient;
    private final int workers;
    private final java.util.BitSet seen = new java.util.BitSet();
    private final java.util.Map<Integer, Long> lastKBySender = new java.util.HashMap<>();
    private long received;
    private long duplicates;
    private long reordered;

    SampleInbox(int recipient, int workers) {
      this.recipient = recipient;
      this.workers = workers;
    }

    @Override
    public synchronized void onMessage(peerlink.protocol.ServerFrame.Message message) {
      Payload.Fields f = Payload.decode(message.body());
      if (f == null || f.step() != -1 || f.sentNanos() != recipient || f.stream() != (recipient + f.seq()) % workers) {
        return;
      }
      int k = (int) f.seq();
      if (seen.get(k)) {
        duplicates++;
        return;
      }
      seen.set(k);
      Long last = lastKBySender.put(f.stream(), f.seq());
      if (last != null && last > f.seq()) {
        reordered++;
      }
      received++;
    }

    synchronized long received() {
      return received;
    }

    synchronized long duplicates() {
      return duplicates;
    }

    synchronized long reordered() {
      return reordered;
    }
  }

  /**
   * Heap per registered peer and per queued message, primary and backup, from the last stage (the largest
   * steps, so the least noise): its registrations alone, then its queueing alone.
   */
  private static ResultRow growth(List<ResultRow> rows) {
    ResultRow beforePeers = rows.get(rows.size() - 3);
    ResultRow afterPeers = rows.get(rows.size() - 2);
    ResultRow afterQueue = rows.get(rows.size() - 1);
    ResultRow row = new ResultRow("scale", Deployment.REPLICATED, "growth").pass(true);
    long peers = ((Number) afterPeers.get("peers")).longValue() - ((Number) beforePeers.get("peers")).longValue();
    long messages = ((Number) afterQueue.get("queued")).longValue() - ((Number) afterPeers.get("queued")).longValue();
    for (String role : List.of("primary", "backup")) {
      String key = role + "HeapMiB";
      row.put(role + "BytesPerPeer", perUnit(afterPeers.get(key), beforePeers.get(key), peers));
      row.put(role + "BytesPerQueued", perUnit(afterQueue.get(key), afterPeers.get(key), messages));
    }
    return row.put("unit", "heap bytes per added peer / per added queued message, last stage");
  }

  private static double perUnit(Object after, Object before, long units) {
    if (!(after instanceof Number a) || !(before instanceof Number b) || units <= 0 || a.doubleValue() < 0 || b.doubleValue() < 0) {
      return -1;
    }
    return round((a.doubleValue() - b.doubleValue()) * 1024 * 1024 / units);
  }

  private static Matcher lastCheckpoint(Path log) {
    Matcher last = null;
    try (var lines = Files.lines(log)) {
      for (String line : (Iterable<String>) lines::iterator) {
        Matcher m = CHECKPOINT.matcher(line);
        if (m.find()) {
          last = m;
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      return null;
    }
    return last;
  }

  private static long sizeOf(Path dir) {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return -1;
    }
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
