package peerlink.bench;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** At most {@code size} requests awaiting their answer: closed-loop load for saturation and for filling queues. */
final class Window {
  private final int size;
  private final Semaphore permits;

  Window(int size) {
    this.size = size;
    this.permits = new Semaphore(size);
  }

  /** Takes a slot; fails when none frees up within {@code timeoutSeconds} (the router stopped answering). */
  void acquire(double timeoutSeconds) {
    try {
      if (!permits.tryAcquire((long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS)) {
        throw new BenchException("no answer to any of " + size + " outstanding requests for " + timeoutSeconds + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted", e);
    }
  }

  void release() {
    permits.release();
  }

  int inFlight() {
    return size - permits.availablePermits();
  }

  /** Waits until every slot is free again; returns false on timeout. */
  boolean awaitEmpty(double timeoutSeconds) {
    try {
      if (permits.tryAcquire(size, (long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS)) {
        permits.release(size);
        return true;
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted", e);
    }
  }
}
