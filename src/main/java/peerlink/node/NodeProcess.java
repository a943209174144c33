package peerlink.node;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;

/** Runs a node for the life of the process: holds its data directory, starts it, waits until it stops. */
public final class NodeProcess {
  private NodeProcess() {}

  /** Returns the exit code: 0 after a normal stop, 2 when another process holds the data directory. */
  public static int run(String command, NodeOptions options, Supplier<ActorSystem<Void>> start) throws IOException {
    DataDirLock lock;
    try {
      lock = DataDirLock.acquire(options.dataDir());
    } catch (IOException e) {
      System.err.println("peerlink " + command + ": " + e.getMessage());
      return 2;
    }
    ActorSystem<Void> system = start.get();
    system.getWhenTerminated().toCompletableFuture().join();
    lock.release();
    return 0;
  }
}
