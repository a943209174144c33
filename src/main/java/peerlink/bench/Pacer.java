package peerlink.bench;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Open-loop load: calls {@code send} at a fixed rate whatever the replies do. When the calling thread falls
 * behind (a stall), the sends that came due are issued at once, so the offered rate is kept; each send
 * stamps its own time when it is actually issued.
 *
 * <p>The thread sleeps at least {@link #TICK_NANOS} at a time, and issues the sends that came due meanwhile
 * together: above 1,000 sends a second, a wake-up per send cost the bench JVM a context switch each
 * (thousands a second, on the two cores the nodes it measures share). Below that, every send still has
 * its own moment.
 */
final class Pacer {
  static final long TICK_NANOS = 1_000_000;

  private Pacer() {}

  /** Runs on the calling thread for {@code seconds} or until {@code stop}; returns how many sends were issued. */
  static long run(double perSecond, double seconds, BooleanSupplier stop, Runnable send) {
    if (perSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive");
    }
    long start = System.nanoTime();
    long duration = (long) (seconds * 1e9);
    double interval = 1e9 / perSecond;
    long issued = 0;
    while (true) {
      long elapsed = System.nanoTime() - start;
      if (elapsed >= duration || stop.getAsBoolean()) {
        return issued;
      }
      long due = Math.min((long) (elapsed / interval) + 1, (long) Math.ceil(duration / interval));
      while (issued < due) {
        send.run();
        issued++;
      }
      long next = start + (long) (issued * interval);
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(Math.min(Math.max(wait, TICK_NANOS), 5_000_000));
      }
      if (Thread.interrupted()) {
        throw new BenchException("interrupted");
      }
    }
  }
}
