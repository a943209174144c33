package peerlink.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WarmUpEndTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong();
  /** Cumulative CPU time of the one compiler thread the fake process has. */
  private final AtomicLong compiled = new AtomicLong();

  private WarmUpEnd warmUp(long minimumSeconds) {
    return new WarmUpEnd(minimumSeconds * SECOND, 5 * SECOND,
        () -> new JitCpu.Reading(now.get(), Map.of("7/8", compiled.get())), now::get);
  }

  /** The compiler thread is busy for {@code cores} of a core over the next {@code seconds}. */
  private void run(long seconds, double cores) {
    now.addAndGet(seconds * SECOND);
    compiled.addAndGet((long) (cores * seconds * SECOND));
  }

  @Test
  void goesOnWhileTheCompilersAreBusyAndEndsAfterTwoQuietWindowsInARow() {
    WarmUpEnd end = warmUp(30);

    run(30, 0.6);
    assertFalse(end.getAsBoolean(), "minimum done, but the last window had 0.6 cores of compiling");
    run(5, 0.3);
    assertFalse(end.getAsBoolean(), "0.3 cores is still busy");
    run(5, 0.1);
    assertFalse(end.getAsBoolean(), "one quiet window may be a lull");
    run(5, 0.25);
    assertFalse(end.getAsBoolean(), "it was: the compilers are back");
    run(5, 0.1);
    run(5, 0.1);
    assertFalse(end.getAsBoolean(), "the windows are read when asked: this one spans both");
    end.getAsBoolean();
    run(5, 0.1);
    assertTrue(end.getAsBoolean(), "0.1 cores in two windows in a row is settled");
  }

  @Test
  void theOutcomeSaysWhetherTheCompilersSettledOrTheLimitCameFirst() {
    WarmUpEnd end = warmUp(30);
    run(30, 0.4);
    end.getAsBoolean();

    assertTrue(end.outcome(30).contains("stopped at its limit, 30 s, with the JIT compilers still at 0.400 cores"), end.outcome(30));

    run(5, 0.05);
    end.getAsBoolean();
    run(5, 0.05);
    assertTrue(end.getAsBoolean());
    assertTrue(end.outcome(40).startsWith("warm-up done after 40 s: the JIT compilers used less than 0.15 cores in each of the last 2"), end.outcome(40));
  }

  @Test
  void neverEndsBeforeItsMinimumEvenWithIdleCompilers() {
    WarmUpEnd end = warmUp(30);

    run(25, 0);
    assertFalse(end.getAsBoolean());
    run(5, 0);
    assertTrue(end.getAsBoolean());
  }

  @Test
  void withoutAReadableProcTheMinimumIsAllThereIs() {
    WarmUpEnd end = new WarmUpEnd(30 * SECOND, 5 * SECOND, null, now::get);

    now.addAndGet(29 * SECOND);
    assertFalse(end.getAsBoolean());
    now.addAndGet(SECOND);
    assertTrue(end.getAsBoolean());
    assertFalse(end.watchesJit());
  }
}
