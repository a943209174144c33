package peerlink.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import peerlink.client.ClientListener;
import peerlink.client.ClientOptions;
import peerlink.client.KeyStore;
import peerlink.client.PeerLinkClient;
import peerlink.client.ResumeStore;

/**
 * Benchmark peers: clients of the project's library on the one shared {@code ClientRuntime}, each with its
 * key and resume point in memory (so it can disconnect and come back as the same peer).
 */
final class Peers {
  private Peers() {}

  record Peer(int index, String id, PeerLinkClient client, KeyStore keys, ResumeStore resume) {}

  /** The outcome of connecting and registering a batch of peers. */
  record Registration(List<Peer> peers, Histogram latency, int failed, List<String> errors) {}

  /**
   * Starts {@code count} clients named {@code prefix + index} (indexes {@code from ...}) and registers them,
   * at most {@code parallel} registrations in flight; waits up to {@code timeoutSeconds} for all of them.
   */
  static Registration connect(
      BenchContext ctx, List<String> servers, String prefix, int from, int count, IntFunction<ClientListener> listeners, int parallel, double timeoutSeconds) {
    return connect(ctx, i -> servers, prefix, from, count, listeners, parallel, timeoutSeconds);
  }

  /** As above, peer {@code i} with the server list {@code serversOf(i)} (the node it tries first comes first). */
  static Registration connect(
      BenchContext ctx, IntFunction<List<String>> serversOf, String prefix, int from, int count, IntFunction<ClientListener> listeners, int parallel,
      double timeoutSeconds) {
    List<Peer> peers = Collections.synchronizedList(new ArrayList<>());
    Histogram latency = new Histogram(3);
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Semaphore inFlight = new Semaphore(parallel);
    long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
    List<CompletableFuture<?>> all = new ArrayList<>();
    ctx.progress.watch(() -> String.format("registering peers: %d/%d done, %d failed", done.get(), count, failed.get()));
    try {
      for (int i = from; i < from + count; i++) {
        if (!acquire(inFlight, deadline)) {
          failed.addAndGet(from + count - i);
          errors.add("timed out: " + (from + count - i) + " peers not even started");
          break;
        }
        String id = prefix + i;
        KeyStore keys = KeyStore.inMemory();
        ResumeStore resume = ResumeStore.inMemory();
        long started = System.nanoTime();
        PeerLinkClient client = PeerLinkClient.start(ctx.runtime(), ClientOptions.of(id, serversOf.apply(i), keys, resume, ctx.clientTls()), listeners.apply(i));
        Peer peer = new Peer(i, id, client, keys, resume);
        long remaining = Math.max(1, deadline - System.nanoTime());
        all.add(
            client.register().toCompletableFuture()
                .orTimeout(remaining, TimeUnit.NANOSECONDS)
                .whenComplete(
                    (ok, failure) -> {
                      if (failure == null) {
                        synchronized (latency) {
                          latency.recordValue(Math.max(1, (System.nanoTime() - started) / 1000));
                        }
                        peers.add(peer);
                      } else {
                        failed.incrementAndGet();
                        if (errors.size() < 5) {
                          errors.add(id + ": " + failure);
                        }
                      }
                      done.incrementAndGet();
                      inFlight.release();
                    }));
      }
      try {
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(Math.max(1, deadline - System.nanoTime()) + 1_000_000_000L, TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        // individual failures are counted above
      }
    } finally {
      ctx.progress.unwatch();
    }
    List<Peer> sorted = new ArrayList<>(peers);
    sorted.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return new Registration(sorted, latency, failed.get(), List.copyOf(errors));
  }

  /** Like {@link #connect}, but every peer must register: a failure ends the run. */
  static List<Peer> connectAll(
      BenchContext ctx, List<String> servers, String prefix, int from, int count, IntFunction<ClientListener> listeners) {
    return connectAll(ctx, i -> servers, prefix, from, count, listeners);
  }

  /** Like {@link #connectAll}, peer {@code i} with the server list {@code serversOf(i)}. */
  static List<Peer> connectAll(
      BenchContext ctx, IntFunction<List<String>> serversOf, String prefix, int from, int count, IntFunction<ClientListener> listeners) {
    Registration registration = connect(ctx, serversOf, prefix, from, count, listeners, 200, Math.max(120, count * 0.1));
    if (registration.failed() > 0) {
      throw new BenchException(registration.failed() + " of " + count + " peers could not register, e.g. " + registration.errors());
    }
    return registration.peers();
  }

  /**
   * Makes one request per peer ({@code what} names it in the progress), at most {@code parallel} in flight;
   * every one must succeed within {@code timeoutSeconds}.
   */
  static void each(BenchContext ctx, String what, List<Peer> peers, java.util.function.Function<Peer, java.util.concurrent.CompletionStage<?>> request, int parallel, double timeoutSeconds) {
    Window window = new Window(parallel);
    AtomicInteger done = new AtomicInteger();
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    ctx.progress.watch(() -> String.format("%s: %d/%d done", what, done.get(), peers.size()));
    try {
      for (Peer peer : peers) {
        window.acquire(timeoutSeconds);
        request.apply(peer).whenComplete(
            (ok, failure) -> {
              if (failure != null && errors.size() < 5) {
                errors.add(peer.id() + ": " + failure);
              }
              done.incrementAndGet();
              window.release();
            });
      }
      if (!window.awaitEmpty(timeoutSeconds)) {
        throw new BenchException(what + ": only " + done.get() + " of " + peers.size() + " answered within " + timeoutSeconds + " s");
      }
    } finally {
      ctx.progress.unwatch();
    }
    if (!errors.isEmpty()) {
      throw new BenchException(what + " failed, e.g. " + errors);
    }
  }

  /** The same peer (same key and resume point) on a new connection. */
  static Peer reconnect(BenchContext ctx, List<String> servers, Peer peer, ClientListener listener) {
    PeerLinkClient client = PeerLinkClient.start(ctx.runtime(), ClientOptions.of(peer.id(), servers, peer.keys(), peer.resume(), ctx.clientTls()), listener);
    return new Peer(peer.index(), peer.id(), client, peer.keys(), peer.resume());
  }

  /** Closes every client (each first waits for its pending answers), waiting up to {@code timeoutSeconds}. */
  static void closeAll(List<Peer> peers, double timeoutSeconds) {
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (Peer peer : peers) {
      closing.add(peer.client().close(Duration.ofMillis((long) (timeoutSeconds * 1000))).toCompletableFuture());
    }
    try {
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get((long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // a client that does not close in time is dropped with the runtime
    }
  }

  private static boolean acquire(Semaphore semaphore, long deadline) {
    try {
      return semaphore.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted", e);
    }
  }
}
