package peerlink.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-ID budget of failed logins, on a clock the test moves. */
class LoginThrottleTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final LoginThrottle throttle =
      new LoginThrottle(new LoginThrottle.Limits(Duration.ofSeconds(1), 5, 3, Duration.ofSeconds(30), 2), now::get);

  @Test
  void anIdHasABudgetOfFailuresAndThenNone() {
    assertTrue(throttle.failed("alice"));
    assertTrue(throttle.failed("alice"));
    assertTrue(throttle.failed("alice"));
    assertFalse(throttle.failed("alice"));
    assertTrue(throttle.failed("bob"), "each ID has its own budget");
  }

  @Test
  void theBudgetRefillsOverTime() {
    for (int i = 0; i < 3; i++) throttle.failed("alice");
    now.addAndGet(Duration.ofSeconds(10).toNanos()); // a third of the refill period: one failure back
    assertTrue(throttle.failed("alice"));
    assertFalse(throttle.failed("alice"));
  }

  @Test
  void theTableForgetsTheIdThatFailedLeastRecently() {
    for (int i = 0; i < 3; i++) throttle.failed("alice");
    throttle.failed("bob");
    throttle.failed("carol"); // a third ID: alice, failed least recently, is forgotten
    assertTrue(throttle.failed("alice"));
  }

  @Test
  void theBackoffDoublesPerFailure() {
    LoginThrottle.Limits limits = throttle.limits();
    assertEquals(Duration.ZERO, limits.backoffAfter(0));
    assertEquals(Duration.ofSeconds(1), limits.backoffAfter(1));
    assertEquals(Duration.ofSeconds(2), limits.backoffAfter(2));
    assertEquals(Duration.ofSeconds(8), limits.backoffAfter(4));
  }
}
