package peerlink.replication;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Which of the other seed nodes' cluster ports accept a TCP connection: a process of the deployment
 * runs there (or is starting), even before it has joined. A node with a new store uses it to tell "I am
 * alone" from "the others are on their way" before it would start a new history on its own.
 */
final class SeedsListening {
  private static final int CONNECT_TIMEOUT_MS = 300;

  private SeedsListening() {}

  /** The seeds ({@code host:port}, this node's own left out by the caller) that accept a connection now. */
  static CompletableFuture<List<String>> probe(List<String> seeds, Executor blocking) {
    return CompletableFuture.supplyAsync(() -> {
      List<String> listening = new ArrayList<>();
      for (String seed : seeds) {
        int colon = seed.lastIndexOf(':');
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress(seed.substring(0, colon), Integer.parseInt(seed.substring(colon + 1))), CONNECT_TIMEOUT_MS);
          listening.add(seed);
        } catch (IOException | RuntimeException nobodyThere) {
          // refused, timed out or unresolvable: no node of ours there now
        }
      }
      return listening;
    }, blocking);
  }
}
