package peerlink.session;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One Bucket4j token bucket per key (a source address, a peer ID), all of one shape: {@code capacity} tokens,
 * full at first, refilled smoothly over {@code refill}. The table holds at most {@code tracked} keys, the least
 * recently used forgotten first, so whoever sends many keys costs bounded memory (forgetting only forgives early).
 *
 * <p>The buckets are Bucket4j's (the refill arithmetic is not ours to get wrong); the table is ours, because the
 * bound and the order of forgetting are what a throttle on an open port needs. One lock over the table, held for
 * a lookup and one take, so the buckets themselves need no synchronisation of their own.
 */
final class TokenBuckets {
  private final Bandwidth shape;
  private final TimeMeter clock;
  private final Map<String, Bucket> buckets;

  /**
   * @throws IllegalArgumentException when Bucket4j refuses the shape (fewer than 1 token, or more than one a nanosecond)
   */
  TokenBuckets(long capacity, Duration refill, int tracked, LongSupplier nanos) {
    this.shape = Bandwidth.builder().capacity(capacity).refillGreedy(capacity, refill).build();
    this.clock = new NanoClock(nanos);
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > tracked;
      }
    };
  }

  /**
   * Takes one token from {@code key}'s bucket.
   *
   * @return 0 when it had one; otherwise the nanoseconds until it has one again (nothing is taken then)
   */
  synchronized long take(String key) {
    Bucket bucket = buckets.computeIfAbsent(key, k -> newBucket());
    var probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
  }

  private Bucket newBucket() {
    return Bucket.builder().addLimit(shape).withCustomTimePrecision(clock).withSynchronizationStrategy(SynchronizationStrategy.NONE).build();
  }

  /** The throttle's clock as Bucket4j reads it: monotonic nanoseconds, which tests move by hand. */
  record NanoClock(LongSupplier nanos) implements TimeMeter {
    @Override
    public long currentTimeNanos() {
      return nanos.getAsLong();
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }
  }
}
