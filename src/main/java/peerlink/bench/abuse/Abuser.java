package peerlink.bench.abuse;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One kind of abusive client, run on a thread of its own in a loop until stopped, counting what it did and
 * what the node answered (for the result row, so a reader sees that the abuse really happened).
 */
public abstract class Abuser {
  protected final Target target;
  private final String name;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private volatile boolean stopped;
  private Thread thread;

  protected Abuser(String name, Target target) {
    this.name = name;
    this.target = target;
  }

  /** One round of abuse (a connection's worth, say); called again and again until {@link #stop}. */
  protected abstract void round() throws Exception;

  /** Closes whatever the abuser still holds (on its own thread, when it has stopped). */
  protected void release() {}

  /** Called by {@link #stop} from another thread: frees a round blocked on a node that stopped reading it. */
  protected void unblock() {}

  public final String name() {
    return name;
  }

  public final void start() {
    thread = new Thread(() -> {
      while (!stopped) {
        try {
          round();
        } catch (Exception e) {
          // A refused or closed connection is the node defending itself: count it and go on.
          count("failed: " + e.getClass().getSimpleName());
          pause(10);
        }
      }
      release();
    }, "abuse-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  public final void stop() {
    stopped = true;
    unblock();
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  protected final boolean stopped() {
    return stopped;
  }

  protected final void count(String what) {
    counts.computeIfAbsent(what, k -> new LongAdder()).increment();
  }

  /** What it did, e.g. {@code connections=120, frames=50000}. */
  public final String summary() {
    Map<String, Long> sorted = new TreeMap<>();
    counts.forEach((k, v) -> sorted.put(k, v.sum()));
    return name + " " + sorted;
  }

  protected static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
