package peerlink.client;

import java.util.concurrent.CompletableFuture;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ServerFrame;

/**
 * A request waiting for its one answer: resent after every login until the router answers it, and failed
 * when its deadline passes first. Its future gets the expected reply type or a {@link PeerLinkException}.
 */
final class PendingRequest<T extends ServerFrame> {
  private final ClientFrame.Request request;
  private final Class<T> replyType;
  private final CompletableFuture<T> reply;
  private final long deadline;

  /** {@code deadline} in {@link System#nanoTime()}'s terms. */
  PendingRequest(ClientFrame.Request request, Class<T> replyType, CompletableFuture<T> reply, long deadline) {
    this.request = request;
    this.replyType = replyType;
    this.reply = reply;
    this.deadline = deadline;
  }

  ClientFrame.Request request() {
    return request;
  }

  String id() {
    return request.id();
  }

  long deadline() {
    return deadline;
  }

  void answer(ServerFrame frame) {
    if (frame instanceof ServerFrame.Error error) {
      fail(PeerLinkException.of(error));
    } else if (replyType.isInstance(frame)) {
      reply.complete(replyType.cast(frame));
    } else {
      fail(new PeerLinkException(ErrorCode.BAD_FRAME, "The router answered request '" + id() + "' with an unexpected frame: " + frame));
    }
  }

  void fail(PeerLinkException failure) {
    reply.completeExceptionally(failure);
  }
}
