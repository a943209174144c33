package peerlink.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * {@code timeline.csv} in the work directory: one line per phase and second, with the wall-clock time
 * the nodes' logs use, so a slow second can be matched with what a node did then.
 */
final class TimelineFile {
  static final String NAME = "timeline.csv";
  static final String HEADER = "scenario,deployment,phase,second,clock,answers,p50Ms,p99Ms,maxMs";
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private TimelineFile() {}

  static void append(Path workDir, String scenario, String deployment, Step step) {
    Path file = workDir.resolve(NAME);
    StringBuilder lines = new StringBuilder();
    if (!Files.exists(file)) {
      lines.append(HEADER).append('\n');
    }
    for (LatencyTimeline.Second s : step.timeline()) {
      lines.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%s,%d,%.2f,%.2f,%.2f%n", scenario, deployment,
          step.label.replace(',', ' '), s.index(), clock(s.startMillis()), s.count(), s.p50Ms(), s.p99Ms(), s.maxMs()));
    }
    try {
      Files.writeString(file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static String clock(long epochMillis) {
    return CLOCK.format(Instant.ofEpochMilli(epochMillis));
  }

  /** For a result row: when the step's worst second began and how slow it was. */
  static String worst(Step step) {
    return step.worstSecond()
        .map(s -> String.format(Locale.ROOT, "%s p99 %.1f ms", clock(s.startMillis()).substring(0, 8), s.p99Ms()))
        .orElse(null);
  }
}
