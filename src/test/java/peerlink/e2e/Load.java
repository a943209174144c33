package peerlink.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A steady load: every sender sends {@code perSecond} ledger messages a second, each to a random other peer
 * (chosen by a seeded random), without waiting for answers (clients pipeline and resend on their own).
 */
final class Load implements AutoCloseable {
  private final List<Peer> senders;
  private final List<Peer> recipients;
  private final Random random;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "load");
    t.setDaemon(true);
    return t;
  });
  private final long periodMillis;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean sending;

  Load(List<Peer> senders, List<Peer> recipients, int perSecond, long seed) {
    this.senders = List.copyOf(senders);
    this.recipients = List.copyOf(recipients);
    this.random = new Random(seed);
    this.periodMillis = Math.max(1, 1000 / perSecond);
  }

  Load start() {
    sending = true;
    timer.scheduleAtFixedRate(this::tick, 0, periodMillis, TimeUnit.MILLISECONDS);
    return this;
  }

  private void tick() {
    if (!sending) {
      return;
    }
    try {
      for (Peer sender : senders) {
        List<Peer> others = new ArrayList<>(recipients);
        others.remove(sender);
        sender.send(others.get(random.nextInt(others.size())).id);
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    }
  }

  void pause() {
    sending = false;
    flushTimer();
  }

  void resume() {
    sending = true;
  }

  /** Stops sending for good; returns once no tick is running any more. */
  void stop() {
    pause();
    timer.shutdown();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure.get() != null) {
      throw new AssertionError("the load generator failed", failure.get());
    }
  }

  /** Waits for a tick that may be running right now, so nothing is submitted after pause() returns. */
  private void flushTimer() {
    try {
      timer.submit(() -> {}).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // already shut down
    }
  }

  @Override
  public void close() {
    sending = false;
    timer.shutdownNow();
  }
}
