package peerlink.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's live heap: a full collection ({@code jcmd <pid> GC.run}), then the bytes its heap still uses
 * ({@code jcmd <pid> GC.heap_info}). What the node's state costs in memory, without the garbage that happens
 * to be there. The JDK running the bench provides {@code jcmd}; the nodes run on the same JDK.
 */
final class LiveHeap {
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private LiveHeap() {}

  /** KiB used after a full collection, or -1 when {@code jcmd} cannot tell (process gone, no JDK). */
  static long afterFullGcKib(long pid) {
    if (jcmd(pid, "GC.run") == null) {
      return -1;
    }
    String info = jcmd(pid, "GC.heap_info");
    return info == null ? -1 : usedKib(info);
  }

  /**
   * The least of {@code readings} such readings, {@code apart} between them, or -1 when none could be taken. A
   * full collection keeps whatever is reachable at that moment, such as a checkpoint the node is still
   * serializing (tens of MiB with a large registry): single readings scattered by that much, so the state's own
   * cost is the lowest one.
   */
  static long leastAfterFullGcKib(long pid, int readings, java.time.Duration apart) {
    long least = -1;
    for (int i = 0; i < readings; i++) {
      if (i > 0) {
        Sleep.millis(apart.toMillis());
      }
      long kib = afterFullGcKib(pid);
      if (kib >= 0 && (least < 0 || kib < least)) {
        least = kib;
      }
    }
    return least;
  }

  /**
   * The heap's used KiB in {@code GC.heap_info}'s text: G1 prints one "garbage-first heap ... used NK" line,
   * the serial and parallel collectors one line per generation; Metaspace lines are not heap.
   */
  static long usedKib(String heapInfo) {
    long used = 0;
    boolean found = false;
    for (String line : heapInfo.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.startsWith("Metaspace") || trimmed.startsWith("class space")) {
        continue;
      }
      Matcher m = USED.matcher(trimmed);
      if (m.find()) {
        used += Long.parseLong(m.group(1));
        found = true;
      }
    }
    return found ? used : -1;
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        return null;
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
