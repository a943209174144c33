package peerlink.client;

import java.util.concurrent.CompletableFuture;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ServerFrame;

/** Messages of a client's connection actor: the application's calls and the socket's events. */
sealed interface ClientCommand {

  /** A request to send (or keep resending, after reconnects) until the router answers it. */
  record Submit(ClientFrame.Request request, CompletableFuture<ServerFrame> reply) implements ClientCommand {}

  record Register(CompletableFuture<ServerFrame.Ok> reply) implements ClientCommand {}

  /** Finish: wait for every pending request's answer (up to a deadline), then close the socket. */
  record Close(CompletableFuture<Void> done) implements ClientCommand {}

  record Connect() implements ClientCommand {}

  record Upgraded(int generation) implements ClientCommand {}

  record ConnectFailed(int generation, String reason) implements ClientCommand {}

  record Received(int generation, String text) implements ClientCommand {}

  record Closed(int generation) implements ClientCommand {}

  record FlushAck() implements ClientCommand {}

  /** Write the frames batched so far. */
  record FlushWrites() implements ClientCommand {}

  record ResendPending() implements ClientCommand {}

  record CloseDeadline() implements ClientCommand {}
}
