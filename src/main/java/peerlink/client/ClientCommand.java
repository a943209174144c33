package peerlink.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import peerlink.protocol.ServerFrame;

/** Messages of a client's connection actor: the application's calls and the socket's events. */
sealed interface ClientCommand {

  /** A request to send (or keep resending, after reconnects) until the router answers it or its deadline passes. */
  record Submit(PendingRequest<?> request) implements ClientCommand {}

  /** Claim the peer ID with this client's key (made now if there is none), then log in. */
  /** Register (with an operator's invitation token, or null for none). */
  record Register(CompletableFuture<ServerFrame.Ok> reply, long deadline, String invitation) implements ClientCommand {}

  /** Complete {@code reply} when the client is logged in: now, or at the next login. */
  record AwaitLogin(CompletableFuture<ServerFrame.Ok> reply, long deadline) implements ClientCommand {}

  /** Finish: wait up to {@code grace} for every pending request's answer, fail the rest, close the socket. */
  record Close(Duration grace, CompletableFuture<Void> done) implements ClientCommand {}

  record Connect() implements ClientCommand {}

  record Upgraded(int generation) implements ClientCommand {}

  record ConnectFailed(int generation, String reason) implements ClientCommand {}

  record Received(int generation, String text) implements ClientCommand {}

  record Closed(int generation) implements ClientCommand {}

  record FlushAck() implements ClientCommand {}

  /** Write the frames batched so far. */
  record FlushWrites() implements ClientCommand {}

  record ResendPending() implements ClientCommand {}

  /** The earliest deadline of a pending request or login wait has come: fail what is overdue. */
  record SweepDeadlines() implements ClientCommand {}

  record CloseDeadline() implements ClientCommand {}

  /** A closed client's actor ends. */
  record Stop() implements ClientCommand {}
}
