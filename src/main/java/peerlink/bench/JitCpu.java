package peerlink.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of the JIT compiler threads of a set of processes (the bench JVM and the nodes it started), from
 * {@code /proc/<pid>/task/<tid>/comm} and {@code schedstat}. On this 2-core machine those threads took a
 * quarter to a half of all CPU for the first minute or more of a run, and a step measured meanwhile is a
 * measurement of the JIT, not of PeerLink.
 */
final class JitCpu {
  /** Cumulative nanoseconds on a CPU per compiler thread ({@code pid/tid}) at one moment. */
  record Reading(long atNanos, Map<String, Long> threadNanos) {
    /** Mean number of cores the compiler threads used from {@code before} to this reading. */
    double coresSince(Reading before) {
      long busy = 0;
      for (Map.Entry<String, Long> thread : threadNanos.entrySet()) {
        // A thread born in between counts from zero; one that ended in between is missed (a few ms).
        busy += Math.max(0, thread.getValue() - before.threadNanos.getOrDefault(thread.getKey(), 0L));
      }
      long elapsed = atNanos - before.atNanos;
      return elapsed <= 0 ? 0 : (double) busy / elapsed;
    }
  }

  private static final Path PROC = Path.of("/proc");

  private JitCpu() {}

  /** The compilers' use over a measured phase: started before it, read for its row after it. */
  static final class Span {
    private final List<Long> pids;
    private final Reading start;

    private Span(List<Long> pids) {
      this.pids = pids;
      this.start = available() ? read(pids) : null;
    }

    /** Cores used since the span started, to two decimals; null where the threads cannot be read. */
    Double cores() {
      return start == null ? null : Math.round(read(pids).coresSince(start) * 100) / 100.0;
    }
  }

  /** The processes a run's measurements depend on: this JVM (the clients) and the deployment's nodes. */
  static List<Long> benchAndNodes(Deployment deployment) {
    List<Long> pids = new ArrayList<>(deployment.pids());
    pids.add(ProcessHandle.current().pid());
    return pids;
  }

  /** Starts watching the compilers of the bench and the deployment's nodes. */
  static Span start(Deployment deployment) {
    return new Span(benchAndNodes(deployment));
  }

  /** True where the threads can be read (Linux with scheduler statistics). */
  static boolean available() {
    return Files.isReadable(PROC.resolve("self").resolve("schedstat"));
  }

  /** The compiler threads of these processes now; processes that are gone contribute nothing. */
  static Reading read(List<Long> pids) {
    Map<String, Long> threads = new HashMap<>();
    for (long pid : pids) {
      Path tasks = PROC.resolve(Long.toString(pid)).resolve("task");
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(tasks)) {
        for (Path task : stream) {
          Long nanos = compilerThreadNanos(task);
          if (nanos != null) {
            threads.put(pid + "/" + task.getFileName(), nanos);
          }
        }
      } catch (IOException | RuntimeException e) {
        // the process ended (or this is not Linux): nothing to count
      }
    }
    return new Reading(System.nanoTime(), threads);
  }

  /** HotSpot names them "C1 CompilerThread0", "C2 CompilerThread1"...; comm keeps 15 characters. */
  private static Long compilerThreadNanos(Path task) {
    try {
      if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) {
        return null;
      }
      String schedstat = Files.readString(task.resolve("schedstat")).trim();
      return Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
    } catch (IOException | RuntimeException e) {
      return null; // the thread ended between listing and reading
    }
  }
}
