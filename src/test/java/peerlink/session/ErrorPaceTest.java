package peerlink.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pace of a connection that keeps being answered with errors, on a clock moved by hand. */
class ErrorPaceTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ErrorPace pace = new ErrorPace(new ErrorPace.Limits(100, Duration.ofSeconds(5)), now::get);

  @Test
  void aBurstIsReadOnThenTheClientWaitsForTheBudgetToRefill() {
    for (int i = 1; i < 100; i++) {
      assertEquals(0, pace.charge("BAD_FRAME"), "error " + i);
    }
    long wait = pace.charge("INBOX_FULL");
    assertTrue(wait > 0 && wait <= Duration.ofMillis(50).toNanos(), "the 100th empties the bucket: one token is 50 ms away, not " + wait);

    now.addAndGet(wait);
    assertEquals(0, pace.waitNanos(), "read again once a token is back");
  }

  @Test
  void errorsThatAreTheNodesDoNotCount() {
    for (int i = 0; i < 1000; i++) {
      assertEquals(0, pace.charge("UNAVAILABLE"));
      assertEquals(0, pace.charge("STORAGE_FULL"));
    }
  }

  @Test
  void aFloodOfErrorsRunsUpAtMostOneBucketOfDebt() {
    for (int i = 0; i < 10_000; i++) {
      pace.charge("UNKNOWN_TYPE");
    }
    long wait = pace.waitNanos();
    assertTrue(wait <= Duration.ofSeconds(10).toNanos() + Duration.ofMillis(50).toNanos(), "held at most about 2 x refill, not " + wait + " ns");
    now.addAndGet(wait);
    assertEquals(0, pace.waitNanos());
  }
}
