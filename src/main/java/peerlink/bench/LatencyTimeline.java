package peerlink.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The latencies of one phase by the second in which they arrived, counted from the phase's start. A p99
 * over a whole step cannot tell a stall of half a second from a slowness spread over the step; the
 * second in which the slow answers arrived can be matched with the nodes' logs (checkpoints, GC pauses).
 */
final class LatencyTimeline {
  /** Seconds kept; later arrivals count in the last one. Phases last seconds to a few minutes. */
  static final int MAX_SECONDS = 3600;

  /** One second of arrivals: when it began (wall clock, ms since the epoch) and its latencies. */
  record Second(int index, long startMillis, long count, double p50Ms, double p99Ms, double maxMs) {}

  private final AtomicReferenceArray<Histogram> seconds = new AtomicReferenceArray<>(MAX_SECONDS);

  /** Records a latency (µs) that arrived {@code sinceStartNanos} after the phase started. */
  void record(long sinceStartNanos, long micros) {
    int second = (int) Math.min(MAX_SECONDS - 1, Math.max(0, sinceStartNanos / 1_000_000_000L));
    Histogram histogram = seconds.get(second);
    if (histogram == null) {
      seconds.compareAndSet(second, null, new ConcurrentHistogram(3));
      histogram = seconds.get(second);
    }
    histogram.recordValue(micros);
  }

  /** Every second in which something arrived, in order; {@code startMillis} is the phase's wall-clock start. */
  List<Second> seconds(long startMillis) {
    List<Second> out = new ArrayList<>();
    for (int i = 0; i < seconds.length(); i++) {
      Histogram histogram = seconds.get(i);
      if (histogram != null) {
        Histogram h = histogram.copy();
        out.add(new Second(i, startMillis + i * 1000L, h.getTotalCount(), Step.millis(h, 50), Step.millis(h, 99), Step.maxMillis(h)));
      }
    }
    return out;
  }

  /** The second with the highest p99, if anything arrived. */
  Optional<Second> worst(long startMillis) {
    return seconds(startMillis).stream().max(Comparator.comparingDouble(Second::p99Ms));
  }
}
