package peerlink.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline; on timeout the message says what was awaited and how far it got. */
final class Await {
  private Await() {}

  static void until(Duration deadline, BooleanSupplier condition, Supplier<String> what) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting for " + what.get());
      }
      pause(100);
    }
  }

  /** Lets {@code duration} of wall time pass while a load generator keeps sending. */
  static void keepRunningFor(Duration duration) {
    pause(duration.toMillis());
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
