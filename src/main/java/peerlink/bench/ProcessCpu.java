package peerlink.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * CPU time (user + system, from {@code /proc/<pid>/stat}) that each process of a run used during a step:
 * the deployment's nodes and this JVM (the clients). Reported per 1,000 units done, it compares settings
 * (TLS on and off, say) by what they cost, which on a shared 2-core machine is steadier than latency.
 */
final class ProcessCpu {
  private static final double TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on
  private final Map<String, Long> pids;
  private final Map<String, Long> startTicks;

  private ProcessCpu(Map<String, Long> pids) {
    this.pids = pids;
    this.startTicks = read(pids);
  }

  /** Starts counting for the deployment's nodes and this JVM ("bench"). */
  static ProcessCpu start(Deployment deployment) {
    Map<String, Long> pids = new LinkedHashMap<>(deployment.namedPids());
    pids.put("bench", ProcessHandle.current().pid());
    return new ProcessCpu(pids);
  }

  /**
   * CPU milliseconds per 1,000 {@code units} since the start, per process, as "primary 41.2 backup 20.1 …
   * bench 12.0 total 80.3"; null where {@code /proc} cannot be read or nothing was done.
   */
  String perThousand(long units) {
    Map<String, Long> now = read(pids);
    if (units <= 0 || now.size() != startTicks.size()) {
      return null;
    }
    StringJoiner out = new StringJoiner(" ");
    double total = 0;
    for (Map.Entry<String, Long> process : now.entrySet()) {
      double ms = (process.getValue() - startTicks.get(process.getKey())) * 1000 / TICKS_PER_SECOND * 1000 / units;
      total += ms;
      out.add(process.getKey() + " " + String.format("%.1f", ms));
    }
    return out.add("total " + String.format("%.1f", total)).toString();
  }

  private static Map<String, Long> read(Map<String, Long> pids) {
    Map<String, Long> ticks = new LinkedHashMap<>();
    for (Map.Entry<String, Long> process : pids.entrySet()) {
      try {
        String stat = Files.readString(Path.of("/proc", String.valueOf(process.getValue()), "stat"));
        // Fields after the command name (which may hold spaces) start after its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks.put(process.getKey(), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
      } catch (IOException | RuntimeException e) {
        // Not Linux, or the process is gone: this step reports no CPU figures.
      }
    }
    return ticks;
  }
}
