package peerlink.bench;

import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionStage;

/**
 * Peer-to-peer traffic among many clients: each send goes from a random client to a random other one.
 * {@code durable}: a send counts when the router answers SENT, and latency is send → SENT; otherwise it
 * counts when the recipient's callback gets it, and latency is send → callback.
 */
final class PairTraffic implements Workload {
  private final List<Peers.Peer> peers;
  private final DeliveryLedger ledger;
  private final boolean durable;
  private final Random random;
  private final int n;
  /** Next sequence number per sender and recipient; used from the one sending thread only. */
  private final int[] seqs;
  private final AckHook hook;

  /** Told about every SENT: when its send was issued and when the answer came (System.nanoTime). */
  interface AckHook {
    void acked(long issuedAt, long ackedAt);
  }

  PairTraffic(List<Peers.Peer> peers, DeliveryLedger ledger, boolean durable, Random random) {
    this(peers, ledger, durable, random, null);
  }

  PairTraffic(List<Peers.Peer> peers, DeliveryLedger ledger, boolean durable, Random random, AckHook hook) {
    if (peers.size() < 2) {
      throw new BenchException("peer-to-peer traffic needs at least 2 clients");
    }
    this.peers = peers;
    this.ledger = ledger;
    this.durable = durable;
    this.random = random;
    this.n = peers.size();
    this.seqs = new int[n * n];
    this.hook = hook;
  }

  @Override
  public CompletionStage<?> send(Step step) {
    int sender = random.nextInt(n);
    int recipient = random.nextInt(n - 1);
    if (recipient >= sender) {
      recipient++;
    }
    int seq = seqs[sender * n + recipient]++;
    step.issued.increment();
    step.expected.increment();
    int to = recipient;
    long issuedAt = System.nanoTime();
    return peers.get(sender).client()
        .send(peers.get(recipient).id(), Payload.encode(step.index, sender, seq, issuedAt))
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                step.failed(failure);
                return;
              }
              long ackedAt = System.nanoTime();
              if (durable) {
                step.record(ackedAt - issuedAt);
              }
              if (hook != null) {
                hook.acked(issuedAt, ackedAt);
              }
              step.acked.increment();
              ledger.acked(to, sender, seq);
              step.arrivals.acked(to, sender, seq);
            });
  }

  @Override
  public int unitsPerSend() {
    return 1;
  }

  @Override
  public long completed(Step step) {
    return durable ? step.acked.sum() : step.delivered.sum();
  }

  @Override
  public long expected(Step step) {
    return durable ? step.issued.sum() : step.expected.sum();
  }

  @Override
  public String unit() {
    return durable ? "acked/s" : "msg/s";
  }
}
