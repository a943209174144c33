package peerlink.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import peerlink.client.ClientListener;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ServerFrame;

/**
 * A benchmark peer's listener: decodes each message's payload, checks it against the ledger (duplicate,
 * reordered) and counts it, with its latency, in the step it was sent in.
 */
final class DeliveryListener implements ClientListener {
  /** Connection counters shared by all peers of a run. */
  static final class Connections {
    final AtomicInteger connected = new AtomicInteger();
    final LongAdder disconnects = new LongAdder();
    final LongAdder notices = new LongAdder();
    volatile String lastNotice;
  }

  private final int receiver;
  private final Steps steps;
  private final DeliveryLedger ledger;
  private final boolean recordLatency;
  private final Connections connections;
  private boolean connected;

  /** {@code recordLatency}: the step's latency is send → arrival (else the scenario measures something else). */
  DeliveryListener(int receiver, Steps steps, DeliveryLedger ledger, boolean recordLatency, Connections connections) {
    this.receiver = receiver;
    this.steps = steps;
    this.ledger = ledger;
    this.recordLatency = recordLatency;
    this.connections = connections;
  }

  @Override
  public void onMessage(ServerFrame.Message message) {
    long now = System.nanoTime();
    Payload.Fields payload = Payload.decode(message.body());
    if (payload == null) {
      return;
    }
    Step step = steps.get(payload.step());
    if (step == null) {
      return;
    }
    DeliveryLedger.Outcome outcome = ledger.received(receiver, payload.stream(), payload.seq());
    if (outcome == DeliveryLedger.Outcome.DUPLICATE) {
      step.duplicates.increment();
      return;
    }
    if (outcome == DeliveryLedger.Outcome.REORDERED) {
      step.reordered.increment();
    }
    step.delivered.increment();
    step.arrivals.received(receiver, payload.stream(), payload.seq());
    if (recordLatency) {
      long origin = step.originNanos;
      step.record(now - (origin >= 0 ? origin : payload.sentNanos()));
    }
  }

  @Override
  public void onConnected(String server, String peer) {
    if (!connected) {
      connected = true;
      connections.connected.incrementAndGet();
    }
  }

  @Override
  public void onDisconnected(String server, String reason) {
    if (connected) {
      connected = false;
      connections.connected.decrementAndGet();
    }
    connections.disconnects.increment();
  }

  @Override
  public void onNotice(ErrorCode code, String message) {
    connections.notices.increment();
    connections.lastNotice = code + ": " + message;
  }
}
