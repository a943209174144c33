package peerlink.bench;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import peerlink.client.PeerLinkException;
import peerlink.protocol.ErrorCode;

/**
 * Counters and the latency histogram (microseconds) of one measured phase: a rate step, a warm-up, a
 * saturation run, a failover trial. Written from the sending thread and the clients' actor threads.
 */
final class Step {
  final int index;
  final String label;
  /** The offered rate, in the unit the scenario counts (messages or deliveries per second). */
  final double targetRate;
  final LongAdder issued = new LongAdder();
  final LongAdder expected = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder reordered = new LongAdder();
  final LongAdder acked = new LongAdder();
  final LongAdder errors = new LongAdder();
  /** Errors the router answered with (the send was not accepted). */
  final LongAdder refused = new LongAdder();
  /** Errors after which the send may or may not have been accepted (no answer in time, client closed). */
  final LongAdder unanswered = new LongAdder();
  /** What this step's accepted (SENT) sends were and which of them arrived: its own losses, whatever later steps do. */
  final DeliveryLedger arrivals = new DeliveryLedger();
  private final Recorder recorder = new Recorder(3);
  private final Histogram total = new Histogram(3);
  private final LatencyTimeline timeline = new LatencyTimeline();
  private volatile long startNanos;
  private volatile long startMillis;
  private volatile long endNanos;
  /** When not -1, latencies are measured from this instant instead of each message's send time. */
  volatile long originNanos = -1;

  Step(int index, String label, double targetRate) {
    this.index = index;
    this.label = label;
    this.targetRate = targetRate;
  }

  /** Counts a send that failed: refused by the router, or unanswered (it may or may not have been accepted). */
  void failed(Throwable failure) {
    errors.increment();
    ErrorCode code = PeerLinkException.from(failure).code();
    if (code == ErrorCode.TIMED_OUT || code == ErrorCode.CLOSED || code == ErrorCode.NOT_CONNECTED || code == ErrorCode.UNKNOWN_ERROR) {
      unanswered.increment();
    } else {
      refused.increment();
    }
  }

  void started() {
    startMillis = System.currentTimeMillis();
    startNanos = System.nanoTime();
  }

  void ended() {
    endNanos = System.nanoTime();
  }

  /** Seconds from start to end of sending (so far, while it runs). */
  double seconds() {
    long end = endNanos != 0 ? endNanos : System.nanoTime();
    return startNanos == 0 ? 0 : Math.max(1e-9, (end - startNanos) / 1e9);
  }

  long endNanos() {
    return endNanos;
  }

  void record(long latencyNanos) {
    long micros = Math.max(1, latencyNanos / 1000);
    recorder.recordValue(micros);
    long start = startNanos;
    timeline.record(start == 0 ? 0 : System.nanoTime() - start, micros);
  }

  /** Latencies by the second in which they arrived (see {@link LatencyTimeline}). */
  List<LatencyTimeline.Second> timeline() {
    return timeline.seconds(startMillis);
  }

  /** The second with the highest p99, if anything arrived. */
  Optional<LatencyTimeline.Second> worstSecond() {
    return timeline.worst(startMillis);
  }

  /** Everything recorded so far. */
  synchronized Histogram histogram() {
    total.add(recorder.getIntervalHistogram());
    return total.copy();
  }

  static double millis(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  static double maxMillis(Histogram histogram) {
    return histogram.getTotalCount() == 0 ? 0 : histogram.getMaxValue() / 1000.0;
  }
}
