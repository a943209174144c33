package peerlink.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StageTimingsTest {

  @Test
  void sumsCountsTotalsAndMaximumPerStage() {
    StageTimings timings = new StageTimings();
    timings.record("replication.write", 2_000_000);
    timings.record("replication.write", 6_000_000);
    timings.record("store.apply", 500_000);

    assertEquals(
        Map.of(
            "replication.write", new StageTimings.Totals(2, 8_000_000, 6_000_000),
            "store.apply", new StageTimings.Totals(1, 500_000, 500_000)),
        timings.read());
  }

  @Test
  void readingsAreCumulativeSoEachReaderTakesItsOwnInterval() {
    StageTimings timings = new StageTimings();
    timings.record("router.batch", 10_000_000);
    StageTimings.Totals first = timings.read().get("router.batch");
    timings.record("router.batch", 1_000_000);
    timings.record("router.batch", 3_000_000);
    StageTimings.Totals second = timings.read().get("router.batch");

    assertEquals(2, second.count() - first.count());
    assertEquals(4_000_000, second.totalNanos() - first.totalNanos());
    assertEquals(10_000_000, second.maxNanos(), "the maximum since the node started");
  }
}
