package peerlink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import peerlink.client.PeerLinkException;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ServerFrame;

/**
 * A step's report tells a lost message (SENT, never arrived) from a refused or unanswered send; before,
 * every missing delivery was reported as lost.
 */
class StepLossesTest {
  private final Steps steps = new Steps();
  private final Step step = steps.add("step 1", 100);
  private final DeliveryListener bob = new DeliveryListener(1, steps, new DeliveryLedger(2), true, new DeliveryListener.Connections());

  @Test
  void aRefusedSendIsNotALoss() {
    sent(0, true);
    arrives(0);
    sent(1, false);
    step.failed(new PeerLinkException(ErrorCode.INBOX_FULL, "The recipient's inbox is full; try again later."));

    StepLosses losses = StepLosses.of(step);

    assertEquals(new StepLosses(0, 1, 1, 0), losses);
    assertEquals(List.of("1 deliveries missing of sends that were refused or unanswered"), losses.why());
  }

  @Test
  void aSentMessageThatNeverArrivesIsLostEvenWhenAnUnansweredOneArrivedInstead() {
    sent(0, true); // SENT, never arrives
    sent(1, false);
    step.failed(new PeerLinkException(ErrorCode.TIMED_OUT, "no answer"));
    arrives(1); // the unanswered send had been accepted after all

    StepLosses losses = StepLosses.of(step);

    // Counting expected minus delivered minus failed would have said 0 lost here.
    assertEquals(new StepLosses(1, 1, 0, 1), losses);
    assertEquals(List.of("1 SENT but never arrived (lost)"), losses.why());
  }

  @Test
  void aStepWhoseSendsAllArrivedHasNothingToSay() {
    sent(0, true);
    arrives(0);
    StepLosses losses = StepLosses.of(step);
    assertTrue(losses.none());
    assertEquals(List.of(), losses.why());
  }

  /** Alice (stream 0) sends bob her message {@code seq}; {@code acked}: the router answered SENT. */
  private void sent(long seq, boolean acked) {
    step.issued.increment();
    step.expected.increment();
    if (acked) {
      step.acked.increment();
      step.arrivals.acked(1, 0, seq);
    }
  }

  private void arrives(long seq) {
    bob.onMessage(new ServerFrame.Message(seq + 1, "m" + seq, "alice", "bob", null, Payload.encode(step.index, 0, seq, System.nanoTime()), 0));
  }
}
