package peerlink.bench;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the run is doing, on stderr (stdout is kept for the results): event lines, and while a phase runs
 * a status that updates in place on a terminal, or is printed every few seconds otherwise.
 */
final class Progress implements AutoCloseable {
  private final PrintStream out = System.err;
  private final boolean terminal = System.console() != null;
  private final long started = System.nanoTime();
  private volatile String scenario;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-progress");
            t.setDaemon(true);
            return t;
          });
  private ScheduledFuture<?> watching;
  private boolean lineOpen;

  Progress(String scenario) {
    this.scenario = scenario;
  }

  /** The name in front of every line. */
  void scenario(String name) {
    this.scenario = name;
  }

  /** An event worth its own line. */
  synchronized void line(String text) {
    if (lineOpen) {
      out.print("\r\033[2K");
      lineOpen = false;
    }
    out.printf("[%6.1fs %s] %s%n", (System.nanoTime() - started) / 1e9, scenario, text);
    out.flush();
  }

  /** Shows {@code status} every second (terminal) or every 5 s (log) until {@link #unwatch}. */
  synchronized void watch(Supplier<String> status) {
    unwatch();
    long period = terminal ? 1000 : 5000;
    watching = timer.scheduleAtFixedRate(() -> show(status), period, period, TimeUnit.MILLISECONDS);
  }

  synchronized void unwatch() {
    if (watching != null) {
      watching.cancel(false);
      watching = null;
    }
    if (lineOpen) {
      out.print("\r\033[2K");
      out.flush();
      lineOpen = false;
    }
  }

  private synchronized void show(Supplier<String> status) {
    String text;
    try {
      text = status.get();
    } catch (RuntimeException e) {
      text = "(status unavailable: " + e + ")";
    }
    if (terminal) {
      out.printf("\r\033[2K[%6.1fs %s] %s", (System.nanoTime() - started) / 1e9, scenario, text);
      out.flush();
      lineOpen = true;
    } else {
      out.printf("[%6.1fs %s] %s%n", (System.nanoTime() - started) / 1e9, scenario, text);
      out.flush();
    }
  }

  @Override
  public void close() {
    unwatch();
    timer.shutdownNow();
  }
}
