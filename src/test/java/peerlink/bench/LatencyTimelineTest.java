package peerlink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stall shows as the second in which its slow answers arrived, not only as a step's p99. */
class LatencyTimelineTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void latenciesAreGroupedByTheSecondTheyArrivedIn() {
    LatencyTimeline timeline = new LatencyTimeline();
    for (int i = 0; i < 100; i++) {
      timeline.record(i * SECOND / 100, 2_000); // second 0: 100 answers of 2 ms
    }
    for (int i = 0; i < 10; i++) {
      timeline.record(2 * SECOND + i, 300_000); // second 2: a stall of 300 ms
    }
    List<LatencyTimeline.Second> seconds = timeline.seconds(1_000_000L);
    assertEquals(2, seconds.size(), "second 1 had no answers and is left out: " + seconds);
    assertEquals(0, seconds.get(0).index());
    assertEquals(100, seconds.get(0).count());
    assertEquals(2.0, seconds.get(0).p99Ms(), 0.01);
    assertEquals(2, seconds.get(1).index());
    assertEquals(1_002_000L, seconds.get(1).startMillis());
    assertEquals(300.0, seconds.get(1).maxMs(), 0.5);
    assertEquals(2, timeline.worst(1_000_000L).orElseThrow().index());
  }

  @Test
  void arrivalsAfterTheLastKeptSecondCountInIt() {
    LatencyTimeline timeline = new LatencyTimeline();
    timeline.record(Long.MAX_VALUE / 2, 1_000);
    assertEquals(LatencyTimeline.MAX_SECONDS - 1, timeline.seconds(0).get(0).index());
  }

  @Test
  void theTimelineFileHasOneLinePerPhaseAndSecond(@TempDir Path workDir) throws Exception {
    Step step = new Step(0, "5695 msg/s", 5695);
    step.started();
    step.record(1_500_000);
    step.record(2_500_000);
    TimelineFile.append(workDir, "durable", "replicated", step);
    TimelineFile.append(workDir, "durable", "replicated", step);
    List<String> lines = Files.readAllLines(workDir.resolve(TimelineFile.NAME));
    assertEquals(TimelineFile.HEADER, lines.get(0), "one header, at the top");
    assertEquals(3, lines.size(), lines.toString());
    String[] fields = lines.get(1).split(",");
    assertEquals("durable", fields[0]);
    assertEquals("5695 msg/s", fields[2]);
    assertEquals("0", fields[3]);
    assertEquals("2", fields[5], "two answers in second 0");
    assertTrue(TimelineFile.worst(step).matches("\\d\\d:\\d\\d:\\d\\d p99 2\\.\\d ms"), TimelineFile.worst(step));
  }
}
