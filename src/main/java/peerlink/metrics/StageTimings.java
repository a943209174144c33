package peerlink.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * How long each stage of a node's write path took, summed since the node started: a count, a total and a
 * maximum per stage. Cumulative on purpose: any number of readers ({@code /status}, the benchmark, an
 * operator) take the difference of two readings for any interval they like, without resetting anything.
 * Recording is lock-free, so actors record on their own thread.
 */
public final class StageTimings implements Extension {
  private static final Id ID = new Id();

  /** One stage's totals at the moment of reading. */
  public record Totals(long count, long totalNanos, long maxNanos) {}

  private static final class Stage {
    final LongAdder count = new LongAdder();
    final LongAdder nanos = new LongAdder();
    final LongAccumulator max = new LongAccumulator(Math::max, 0);
  }

  private final Map<String, Stage> stages = new ConcurrentHashMap<>();

  public static StageTimings get(ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  /** Records that one event of {@code stage} took from {@code startNanos} (a {@link System#nanoTime()}) until now. */
  public void since(String stage, long startNanos) {
    record(stage, System.nanoTime() - startNanos);
  }

  public void record(String stage, long nanos) {
    Stage s = stages.computeIfAbsent(stage, name -> new Stage());
    s.count.increment();
    s.nanos.add(nanos);
    s.max.accumulate(nanos);
  }

  /** Every stage recorded so far, by name. */
  public Map<String, Totals> read() {
    Map<String, Totals> out = new TreeMap<>();
    stages.forEach((name, s) -> out.put(name, new Totals(s.count.sum(), s.nanos.sum(), s.max.get())));
    return out;
  }

  private static final class Id extends AbstractExtensionId<StageTimings> {
    @Override
    public StageTimings createExtension(ExtendedActorSystem system) {
      return new StageTimings();
    }
  }
}
