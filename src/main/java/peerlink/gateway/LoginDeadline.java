package peerlink.gateway;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;

/**
 * Closes a connection that has not logged in within {@code peerlink.gateway.login-timeout} of its TCP
 * accept: one stuck in the TLS handshake or half-way through the HTTP upgrade, or upgraded and silent. An
 * idle socket then costs the node a few seconds, not a file descriptor for ever. An upgraded connection
 * gets close status 1008 and the reason; a plain HTTP one (a health probe kept alive) is just closed.
 */
final class LoginDeadline extends ChannelInboundHandlerAdapter {
  private final Duration timeout;
  private ScheduledFuture<?> timer;
  private boolean upgraded;
  private volatile boolean loggedIn;
  /** A login is with the router: the deadline waits for its answer (ClientLink.loginPending). */
  private volatile boolean loginPending;

  LoginDeadline(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timer = ctx.executor().schedule(() -> expire(ctx), timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** A login is with the router, or no longer. From any thread. */
  void loginPending(boolean pending) {
    loginPending = pending;
  }

  /** The session authenticated its peer: the deadline no longer applies. From any thread. */
  void loggedIn() {
    loggedIn = true;
    ScheduledFuture<?> pending = timer;
    if (pending != null) {
      pending.cancel(false);
    }
  }

  private void expire(ChannelHandlerContext ctx) {
    if (loggedIn || !ctx.channel().isActive()) {
      return;
    }
    if (loginPending) {
      // The router has the login (it may be recovering: a whole-cluster restart); look again later. Its
      // answer comes within the session's request timeout, so this waits a bounded time.
      timer = ctx.executor().schedule(() -> expire(ctx), timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return;
    }
    if (upgraded) {
      String reason = "not logged in within " + timeout.toSeconds() + " s of connecting";
      // From the pipeline's tail: the frame must pass the WebSocket encoder, which sits after this handler.
      ctx.channel().writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, reason)).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      upgraded = true;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (timer != null) {
      timer.cancel(false);
    }
    super.channelInactive(ctx);
  }
}
