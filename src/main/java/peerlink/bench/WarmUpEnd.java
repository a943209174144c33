package peerlink.bench;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * When a warm-up may end: after its minimum, once the JIT compiler threads of the bench and its nodes used
 * less than {@link #SETTLED_CORES} of a core together in {@link #QUIET_WINDOWS} 5-second windows in a row.
 * One quiet window was not enough: in {@code fanout} the compilers are busy in bursts, and a warm-up that
 * ended in a lull measured them at 0.17-0.28 cores during the step that followed (docs/performance.md,
 * "Checkpoints in pieces round"). The caller bounds the warm-up's length; where the threads cannot be
 * read, the minimum is all there is.
 */
final class WarmUpEnd implements BooleanSupplier {
  /** Together, all compilers of the run; about what they use once a run has gone on for several minutes. */
  static final double SETTLED_CORES = 0.15;
  private static final long WINDOW_NANOS = 5_000_000_000L;
  static final int QUIET_WINDOWS = 2;

  private final Supplier<JitCpu.Reading> reader;
  private final LongSupplier clock;
  private final long startNanos;
  private final long minimumNanos;
  private final long windowNanos;
  private JitCpu.Reading windowStart;
  private double lastWindowCores = Double.NaN;
  /** How many windows in a row, up to the last, were below {@link #SETTLED_CORES}. */
  private int quietWindows;

  WarmUpEnd(double minimumSeconds, List<Long> pids) {
    this((long) (minimumSeconds * 1e9), WINDOW_NANOS, JitCpu.available() ? () -> JitCpu.read(pids) : null, System::nanoTime);
  }

  /** {@code reader} null: the compilers cannot be watched. Readings carry their own time. */
  WarmUpEnd(long minimumNanos, long windowNanos, Supplier<JitCpu.Reading> reader, LongSupplier clock) {
    this.reader = reader;
    this.clock = clock;
    this.startNanos = clock.getAsLong();
    this.minimumNanos = minimumNanos;
    this.windowNanos = windowNanos;
    this.windowStart = reader != null ? reader.get() : null;
  }

  /** False where the compilers cannot be watched: the warm-up then lasts its minimum. */
  boolean watchesJit() {
    return reader != null;
  }

  /** Called often by the pacer; reads the threads once per window. */
  @Override
  public boolean getAsBoolean() {
    long now = clock.getAsLong();
    if (watchesJit() && now - windowStart.atNanos() >= windowNanos) {
      JitCpu.Reading reading = reader.get();
      lastWindowCores = reading.coresSince(windowStart);
      windowStart = reading;
      quietWindows = lastWindowCores < SETTLED_CORES ? quietWindows + 1 : 0;
    }
    boolean minimumDone = now - startNanos >= minimumNanos;
    return minimumDone && (!watchesJit() || settled());
  }

  private boolean settled() {
    return quietWindows >= QUIET_WINDOWS;
  }

  /** For the progress line: the compilers' use in the last full window. */
  String describe() {
    return Double.isNaN(lastWindowCores) ? "" : String.format(", JIT compilers %.2f cores", lastWindowCores);
  }

  /** What ended the warm-up, for the progress output. */
  String outcome(double seconds) {
    if (!watchesJit()) {
      return String.format("warm-up done after %.0f s (JIT compilers not watched: no /proc/<pid>/task/*/schedstat here)", seconds);
    }
    if (settled()) {
      return String.format("warm-up done after %.0f s: the JIT compilers used less than %.2f cores in each of the last %d 5-second windows (%.2f in the last)",
          seconds, SETTLED_CORES, QUIET_WINDOWS, lastWindowCores);
    }
    return String.format("warm-up stopped at its limit, %.0f s, with the JIT compilers still at %.3f cores (settled is below %.2f): the first steps may measure the JIT more than PeerLink (raise --warmup-max)", seconds, lastWindowCores, SETTLED_CORES);
  }
}
