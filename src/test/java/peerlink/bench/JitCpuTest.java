package peerlink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JitCpuTest {

  @Test
  void coresAreCompilerTimeOverElapsedTime() {
    JitCpu.Reading before = new JitCpu.Reading(0, Map.of("1/10", 1_000_000_000L, "1/11", 500_000_000L));
    JitCpu.Reading after = new JitCpu.Reading(2_000_000_000L, Map.of("1/10", 1_400_000_000L, "1/11", 600_000_000L));

    assertEquals(0.25, after.coresSince(before), 1e-9); // 0.5 s of compiling in 2 s
  }

  @Test
  void aThreadStartedInBetweenCountsFromZeroAndOneThatEndedCountsNothing() {
    JitCpu.Reading before = new JitCpu.Reading(0, Map.of("1/10", 9_000_000_000L));
    JitCpu.Reading after = new JitCpu.Reading(1_000_000_000L, Map.of("1/12", 300_000_000L));

    assertEquals(0.3, after.coresSince(before), 1e-9);
  }

  @Test
  void findsTheCompilerThreadsOfThisJvm() {
    assumeTrue(JitCpu.available(), "needs /proc/<pid>/task/*/schedstat (Linux)");
    long self = ProcessHandle.current().pid();

    JitCpu.Reading reading = JitCpu.read(List.of(self));

    assertFalse(reading.threadNanos().isEmpty(), "HotSpot runs at least one C1 or C2 compiler thread");
    assertTrue(reading.threadNanos().keySet().stream().allMatch(thread -> thread.startsWith(self + "/")));
    assertTrue(reading.threadNanos().values().stream().mapToLong(Long::longValue).sum() > 0, "this JVM has compiled something by now");
  }

  @Test
  void aProcessThatIsGoneContributesNothing() {
    assumeTrue(JitCpu.available(), "needs /proc (Linux)");

    assertTrue(JitCpu.read(List.of(Long.MAX_VALUE)).threadNanos().isEmpty());
  }
}
