package peerlink.bench;

import java.util.concurrent.atomic.AtomicReferenceArray;

/** The phases of a run by index, so a receiving client can find the phase a message was sent in. */
final class Steps {
  private final AtomicReferenceArray<Step> steps = new AtomicReferenceArray<>(4096);
  private int next;

  synchronized Step add(String label, double targetRate) {
    Step step = new Step(next, label, targetRate);
    steps.set(next++, step);
    return step;
  }

  Step get(int index) {
    return index >= 0 && index < steps.length() ? steps.get(index) : null;
  }
}
