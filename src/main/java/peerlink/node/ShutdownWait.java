package peerlink.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Waits for a node's actor system to terminate, but not for ever once its shutdown has begun. A downed node
 * must end its process (the cluster has moved on without it); if one actor does not stop, Pekko's last
 * shutdown phase times out and the system never terminates, and a process waiting on that hangs (seen once in
 * FreezeAndFenceIT: "Coordinated shutdown phase [actor-system-terminate] timed out", and no exit).
 */
final class ShutdownWait {
  private ShutdownWait() {}

  /**
   * @return true when the system terminated; false when its shutdown began more than {@code grace} ago and it
   *     has still not terminated (the caller ends the process)
   */
  static boolean awaitTermination(ActorSystem<?> system, Duration grace) throws InterruptedException {
    CompletableFuture<?> terminated = system.getWhenTerminated().toCompletableFuture();
    long shutdownSeen = 0;
    while (true) {
      try {
        terminated.get(200, TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        if (CoordinatedShutdown.get(system).getShutdownReason().isPresent()) {
          long now = System.nanoTime();
          if (shutdownSeen == 0) {
            shutdownSeen = now;
          } else if (now - shutdownSeen > grace.toNanos()) {
            return false;
          }
        }
      } catch (ExecutionException e) {
        return true; // terminated, with an error of its own: nothing more to wait for
      }
    }
  }
}
