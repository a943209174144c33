package peerlink.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stops reading a client while it is over a bound, so it slows itself (its TCP window fills) instead of
 * filling the node: while more than {@code peerlink.gateway.max-unsent} waits for it (it does not read what
 * it asked for), while its session has not yet taken {@link #MAX_QUEUED} of its messages (a session slower
 * than its client would otherwise queue them without limit), and while the session holds too many requests
 * in flight. Reading resumes by itself when all are below again; a client that stays stuck is then cut off
 * by the stalled-client check.
 */
final class InputGate extends ChannelInboundHandlerAdapter {
  /** Messages handed to the session and not yet taken: each at most the frame limit (~400 KB). */
  static final int MAX_QUEUED = 8;
  private final AtomicInteger queued = new AtomicInteger();
  private volatile ChannelHandlerContext context;
  private boolean sessionHolds;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.context = ctx;
  }

  /** A message went to the session (on the channel's thread). */
  void delivered() {
    if (queued.incrementAndGet() >= MAX_QUEUED) {
      ChannelHandlerContext ctx = context;
      if (ctx != null) {
        update(ctx);
      }
    }
  }

  /** The session took a message (on its actor's thread). */
  void consumed() {
    if (queued.decrementAndGet() == MAX_QUEUED / 2) {
      onChannelThread(() -> { });
    }
  }

  /** The session's say on its requests in flight, from any thread. */
  void sessionHolds(boolean hold) {
    onChannelThread(() -> sessionHolds = hold);
  }

  private void onChannelThread(Runnable change) {
    ChannelHandlerContext ctx = context;
    if (ctx != null) {
      ctx.channel().eventLoop().execute(() -> {
        change.run();
        update(ctx);
      });
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    update(ctx);
    super.channelWritabilityChanged(ctx);
  }

  private void update(ChannelHandlerContext ctx) {
    boolean read = ctx.channel().isWritable() && !sessionHolds && queued.get() < MAX_QUEUED;
    if (ctx.channel().config().isAutoRead() != read) {
      ctx.channel().config().setAutoRead(read);
    }
  }
}
