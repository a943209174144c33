package peerlink.e2e;

import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import peerlink.client.ClientListener;
import peerlink.client.ClientOptions;
import peerlink.client.ClientRuntime;
import peerlink.client.KeyStore;
import peerlink.client.PeerLinkClient;
import peerlink.client.ResumeStore;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ServerFrame;

/**
 * A test peer: a real {@link PeerLinkClient} (the project's client library, speaking the real protocol)
 * whose pushes and answers go into the scenario's {@link Ledger}. Its key and resume point outlive the
 * client, so the same peer can go offline and come back.
 */
final class Peer implements ClientListener {
  final String id;
  final List<String> servers;
  private final Ledger ledger;
  private final KeyStore keys = KeyStore.inMemory();
  private final ResumeStore resume = ResumeStore.inMemory();
  private final AtomicLong sends = new AtomicLong();
  private final List<String> events = new ArrayList<>();
  private volatile PeerLinkClient client;
  private volatile String connectedTo;
  final AtomicInteger connects = new AtomicInteger();
  final AtomicInteger disconnects = new AtomicInteger();

  Peer(String id, List<String> servers, Ledger ledger) {
    this.id = id;
    this.servers = List.copyOf(servers);
    this.ledger = ledger;
  }

  /** Starts a client for this peer (again, after {@link #close}: same key, same resume point). */
  Peer start(ClientRuntime runtime) {
    // The ledger wants every send answered, however long a scenario's outage lasts: no deadline in sight.
    client = PeerLinkClient.start(runtime, ClientOptions.of(id, servers, keys, resume, Launcher.clientTls()).withRequestTimeout(Duration.ofMinutes(10)), this);
    return this;
  }

  PeerLinkClient client() {
    return client;
  }

  void register(Duration deadline) throws Exception {
    client.register().toCompletableFuture().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends the next ledger message to {@code to}, without waiting for the answer. */
  Ledger.Send send(String to) {
    return send(to, 0);
  }

  /** Like {@link #send(String)}, with a body {@code padding} characters longer (for backlogs of a realistic size). */
  Ledger.Send send(String to, int padding) {
    Ledger.Send send = ledger.submitted(id, to, sends.incrementAndGet(), padding);
    client.send(to, send.body).whenComplete((ok, failure) -> ledger.completed(send, ok, failure, connectedTo));
    return send;
  }

  /** A message outside the ledger's bookkeeping (its body gets the foreign prefix). */
  CompletionStage<ServerFrame.Ok> sendForeign(String to, String text) {
    return client.send(to, Ledger.FOREIGN_PREFIX + text).thenApply(ok -> {
      ledger.foreign(ok.msgId());
      return ok;
    });
  }

  /** Closes the client (waiting for its open requests at most {@code deadline}); the peer goes offline. */
  void close(Duration deadline) {
    PeerLinkClient current = client;
    if (current != null) {
      try {
        current.close(deadline).toCompletableFuture().get(deadline.toMillis() + 5_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // closing is best effort; the runtime's shutdown ends the connection in any case
      }
    }
  }

  String connectedTo() {
    return connectedTo;
  }

  synchronized List<String> events() {
    return List.copyOf(events);
  }

  private synchronized void event(String text) {
    events.add(LocalTime.now() + " " + text);
  }

  @Override
  public void onMessage(ServerFrame.Message message) {
    ledger.received(id, message);
  }

  @Override
  public void onDelivered(ServerFrame.Delivered delivered) {
    ledger.delivered(id, delivered);
  }

  @Override
  public void onConnected(String server, String peer) {
    connectedTo = server;
    connects.incrementAndGet();
    event("connected to " + server);
  }

  @Override
  public void onDisconnected(String server, String reason) {
    connectedTo = null;
    disconnects.incrementAndGet();
    event("disconnected from " + server + ": " + reason);
  }

  @Override
  public void onNotice(ErrorCode code, String message) {
    event("notice " + code + ": " + message);
  }

  @Override
  public String toString() {
    return id + " " + servers;
  }
}
