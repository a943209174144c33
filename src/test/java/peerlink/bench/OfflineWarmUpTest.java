package peerlink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import peerlink.bench.OfflineScenario.Verdict;

/** When {@code offline} runs another unmeasured round: its compilers are judged on each round's reconnect. */
class OfflineWarmUpTest {

  @Test
  void anotherRoundWhileTheCompilersAreBusyAndTimeIsLeft() {
    assertEquals(Verdict.ANOTHER_ROUND, OfflineScenario.judge(0.63, 25, 180));
    assertEquals(Verdict.ANOTHER_ROUND, OfflineScenario.judge(0.15, 25, 180), "0.15 cores is not yet below the bar");
  }

  @Test
  void aReconnectWithQuietCompilersEndsTheWarmUpEvenAtTheLimit() {
    assertEquals(Verdict.SETTLED, OfflineScenario.judge(0.07, 162, 180));
    assertEquals(Verdict.SETTLED, OfflineScenario.judge(0.07, 200, 180));
  }

  @Test
  void busyCompilersAtTheLimitStopTheWarmUpAndSaySo() {
    assertEquals(Verdict.AT_LIMIT, OfflineScenario.judge(0.4, 180, 180));
    assertEquals(Verdict.AT_LIMIT, OfflineScenario.judge(0.4, 12, 1), "--warmup-max 1: one round");
  }

  @Test
  void withoutSchedulerStatisticsOneRoundIsAllThereIs() {
    assertEquals(Verdict.UNREADABLE, OfflineScenario.judge(null, 12, 180));
  }
}
