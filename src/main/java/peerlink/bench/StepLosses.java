package peerlink.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What a step's sends came to, told apart: {@code lost} are sends the router acknowledged as SENT that never
 * arrived (a broken promise); {@code refused} the router answered with an error (not accepted, so not lost);
 * {@code unanswered} got no answer in time (they may or may not have been accepted); {@code notArrived}
 * counts the deliveries missing for any of these reasons, so a step passes only when it is 0.
 */
record StepLosses(long lost, long notArrived, long refused, long unanswered) {

  /** Read when the row is made, after the final drain: whatever of the step had arrived by then. */
  static StepLosses of(Step step) {
    return new StepLosses(
        step.arrivals.ackedButMissing(), Math.max(0, step.expected.sum() - step.delivered.sum()), step.refused.sum(), step.unanswered.sum());
  }

  boolean none() {
    return lost == 0 && notArrived == 0;
  }

  /** For the row's {@code why}: each kind in words, the lost ones first. */
  List<String> why() {
    List<String> why = new ArrayList<>();
    if (lost > 0) {
      why.add(lost + " SENT but never arrived (lost)");
    }
    if (notArrived > lost) {
      why.add((notArrived - lost) + " deliveries missing of sends that were refused or unanswered");
    }
    return why;
  }

  ResultRow addTo(ResultRow row) {
    return row.put("notArrived", notArrived).put("refused", refused).put("unanswered", unanswered);
  }
}
