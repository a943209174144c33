package peerlink.bench;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import peerlink.client.ClientListener;

/**
 * {@code offline}: {@code --peers} recipients register and disconnect; {@code --clients} senders queue
 * {@code --per-peer} messages for each (at most {@code --window} awaiting SENT); then every recipient
 * reconnects at once. Latencies are measured from that moment, so {@code maxMs} is the time until the last
 * queued message arrived. {@code offeredRate} is the rate at which the queue was filled (SENT per second).
 */
final class OfflineScenario implements Scenario {
  private static final int DEFAULT_PEERS = 1000;
  private static final int DEFAULT_PER_PEER = 100;

  @Override
  public List<ResultRow> run(BenchContext ctx) {
    BenchOptions o = ctx.options;
    String kind = o.deploymentOr(Deployment.REPLICATED);
    Deployment deployment = ctx.deploy(kind);
    WarmedUp warmedUp = o.warmup() > 0 ? warmUp(ctx, deployment) : new WarmedUp(0, 0);
    Round measured = new Round(ctx, deployment, "offline", o.perPeerOr(DEFAULT_PER_PEER));
    ResultRow row = measured.run().put("warmupRounds", warmedUp.rounds()).put("warmupS", warmedUp.seconds());
    ctx.release(deployment);
    return List.of(row);
  }

  private record WarmedUp(int rounds, double seconds) {}

  /** What a warm-up round's reconnect says about the next one. */
  enum Verdict { SETTLED, AT_LIMIT, UNREADABLE, ANOTHER_ROUND }

  /**
   * @param cores the compilers' use during the round's reconnect, null where it cannot be read
   * @param seconds the warm-up so far
   */
  static Verdict judge(Double cores, double seconds, double maxSeconds) {
    if (cores == null) {
      return Verdict.UNREADABLE;
    }
    if (cores < WarmUpEnd.SETTLED_CORES) {
      return Verdict.SETTLED;
    }
    return seconds >= maxSeconds ? Verdict.AT_LIMIT : Verdict.ANOTHER_ROUND;
  }

  /**
   * Unmeasured rounds with a tenth of the messages, until the JIT compilers stay below
   * {@link WarmUpEnd#SETTLED_CORES} through a round's reconnect, for at most {@code --warmup-max} seconds
   * (one round at least).
   *
   * <p>Why rounds and not more messages: a reconnect storm runs code nothing before it ran (logins,
   * replays, the per-connection streams on both sides). Much of it runs once per connection, so it gets
   * compiled only after some thousands of connections, whatever the number of messages. Measured with one
   * round, the compilers took a sixth of the machine through the measured storm (docs/performance.md).
   */
  private static WarmedUp warmUp(BenchContext ctx, Deployment deployment) {
    BenchOptions o = ctx.options;
    int perPeer = Math.max(1, o.perPeerOr(DEFAULT_PER_PEER) / 10);
    long start = System.nanoTime();
    for (int round = 1; ; round++) {
      ctx.progress.line(String.format("warm-up round %d: unmeasured, %d recipients with %d messages each", round, o.peersOr(DEFAULT_PEERS), perPeer));
      Double cores = (Double) new Round(ctx, deployment, "offline-w" + round, perPeer).run().get("jitCores");
      double seconds = (System.nanoTime() - start) / 1e9;
      switch (judge(cores, seconds, o.warmupMax())) {
        case UNREADABLE -> {
          ctx.progress.line("warm-up done: the JIT compilers' CPU cannot be read here, so one round");
          return new WarmedUp(round, seconds);
        }
        case SETTLED -> {
          ctx.progress.line(String.format("warm-up done after %d round(s), %.0f s: the JIT compilers used %.2f cores during the last reconnect", round, seconds, cores));
          return new WarmedUp(round, seconds);
        }
        case AT_LIMIT -> {
          ctx.progress.line(String.format("warm-up stopped at its limit, %.0f s, after %d round(s), with the JIT compilers at %.2f cores during the last reconnect (settled is below %.2f; raise --warmup-max)", seconds, round, cores, WarmUpEnd.SETTLED_CORES));
          return new WarmedUp(round, seconds);
        }
        case ANOTHER_ROUND -> ctx.progress.line(String.format("the JIT compilers used %.2f cores during that reconnect; another round", cores));
      }
    }
  }

  /** One fill-and-reconnect round with its own peers (IDs start with {@code prefix}). */
  private static final class Round {
    private final BenchContext ctx;
    private final Deployment deployment;
    private final String prefix;
    private final int perPeer;

    Round(BenchContext ctx, Deployment deployment, String prefix, int perPeer) {
      this.ctx = ctx;
      this.deployment = deployment;
      this.prefix = prefix;
      this.perPeer = perPeer;
    }

    ResultRow run() {
      BenchOptions o = ctx.options;
      String kind = deployment.kind();
      int recipients = o.peersOr(DEFAULT_PEERS);
      int senders = o.clientsOr(10);
      Steps steps = new Steps();
      Step step = steps.add("reconnect", 0);
      DeliveryLedger ledger = new DeliveryLedger(recipients);
      DeliveryListener.Connections before = new DeliveryListener.Connections();
      List<Peers.Peer> sending = Peers.connectAll(ctx, deployment.servers(), prefix + "-s", 0, senders, i -> new ClientListener() {});
      List<Peers.Peer> offline =
          Peers.connectAll(ctx, deployment.servers(), prefix + "-r", 0, recipients, i -> new DeliveryListener(i, steps, ledger, true, before));
      Peers.closeAll(offline, 30);
      Sleep.millis(1000); // let the router see the sessions end
      ctx.progress.line(recipients + " recipients registered and disconnected; queueing " + perPeer + " messages for each");

      // Fill the queues.
      long total = (long) recipients * perPeer;
      int[] seqs = new int[senders * recipients];
      Window window = new Window(o.window());
      long queueStart = System.nanoTime();
      ctx.progress.watch(() -> String.format("queueing: %d/%d SENT (%.0f/s), %d awaiting SENT",
          step.acked.sum(), total, step.acked.sum() / ((System.nanoTime() - queueStart) / 1e9), window.inFlight()));
      try {
        for (int k = 0; k < perPeer; k++) {
          for (int r = 0; r < recipients; r++) {
            int s = (r + k) % senders;
            int seq = seqs[s * recipients + r]++;
            int to = r;
            window.acquire(120);
            step.issued.increment();
            step.expected.increment();
            sending.get(s).client()
                .send(offline.get(r).id(), Payload.encode(step.index, s, seq, System.nanoTime()))
                .whenComplete(
                    (ok, failure) -> {
                      if (failure != null) {
                        step.errors.increment();
                      } else {
                        step.acked.increment();
                        ledger.acked(to, s, seq);
                      }
                      window.release();
                    });
          }
        }
        if (!window.awaitEmpty(120)) {
          throw new BenchException(window.inFlight() + " sends still without SENT 120 s after the last one was issued");
        }
      } finally {
        ctx.progress.unwatch();
      }
      double queueSeconds = (System.nanoTime() - queueStart) / 1e9;
      long queued = step.acked.sum();
      ctx.progress.line(String.format("%d messages SENT in %.1f s (%.0f/s); all %d recipients reconnect now", queued, queueSeconds, queued / queueSeconds, recipients));

      // Everyone comes back at once.
      DeliveryListener.Connections after = new DeliveryListener.Connections();
      List<Peers.Peer> back = new ArrayList<>();
      JitCpu.Span jit = JitCpu.start(deployment);
      long origin = System.nanoTime();
      step.originNanos = origin;
      step.started();
      for (Peers.Peer peer : offline) {
        back.add(Peers.reconnect(ctx, deployment.servers(), peer, new DeliveryListener(peer.index(), steps, ledger, true, after)));
      }
      double allConnectedMs = -1;
      long deadline = origin + (long) (Math.max(120, o.finalDrain()) * 1e9);
      ctx.progress.watch(() -> String.format("reconnected %d/%d, delivered %d/%d", after.connected.get(), recipients, step.delivered.sum(), queued));
      try {
        while (step.delivered.sum() < queued && System.nanoTime() < deadline) {
          if (allConnectedMs < 0 && after.connected.get() >= recipients) {
            allConnectedMs = (System.nanoTime() - origin) / 1e6;
          }
          Sleep.millis(10);
        }
        if (allConnectedMs < 0 && after.connected.get() >= recipients) {
          allConnectedMs = (System.nanoTime() - origin) / 1e6;
        }
        Sleep.millis(500); // a late duplicate would show up here
      } finally {
        ctx.progress.unwatch();
      }
      step.ended();
      Double jitCores = jit.cores();
      Histogram latency = step.histogram();
      long lost = ledger.ackedButMissing();
      long dup = step.duplicates.sum();
      long reordered = step.reordered.sum();
      double maxMs = Step.maxMillis(latency);
      ResultRow row = new ResultRow("offline", kind, "reconnect")
          .rates(queued / queueSeconds, maxMs > 0 ? step.delivered.sum() / (maxMs / 1000) : 0)
          .latencies(latency)
          .losses(lost, dup)
          .put("reordered", reordered)
          .pass(lost == 0 && dup == 0 && reordered == 0 && step.errors.sum() == 0 && step.delivered.sum() >= total)
          .put("unit", "msg/s")
          .put("queued", queued)
          .put("delivered", step.delivered.sum())
          .put("peers", recipients)
          .put("perPeer", perPeer)
          .put("senders", senders)
          .put("queueSeconds", queueSeconds)
          .put("allConnectedMs", allConnectedMs)
          .put("errors", step.errors.sum())
          .put("jitCores", jitCores);
      List<Peers.Peer> everyone = new ArrayList<>(back);
      everyone.addAll(sending);
      Peers.closeAll(everyone, 10);
      return row;
    }
  }
}
