package peerlink.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import peerlink.session.ClientLink;
import peerlink.session.SessionMessage;

/**
 * One WebSocket connection's handler: once upgraded, starts its session and hands it every text message,
 * in order, straight from the socket's thread. Binary messages are not part of the protocol and are
 * ignored. The session alone judges what the text says.
 */
final class SessionBridge extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(SessionBridge.class);
  private final Function<ClientLink, ActorRef<SessionMessage>> sessions;
  private final int maxTextBytes;
  private final AtomicInteger clients;
  private ActorRef<SessionMessage> session;
  /** Told of every message handed to the session, so that reading stops while the session is behind. */
  private InputGate gate;
  /** The UTF-8 of a text message arriving in fragments, or null (decoded whole: a character may span two). */
  private ByteBuf fragments;

  /** Texts longer than {@code maxTextBytes} are cut just past it: the session refuses them as too large. */
  SessionBridge(Function<ClientLink, ActorRef<SessionMessage>> sessions, AtomicInteger clients, int maxTextBytes) {
    this.sessions = sessions;
    this.clients = clients;
    this.maxTextBytes = maxTextBytes;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      gate = ctx.pipeline().get(InputGate.class);
      session = sessions.apply(new ChannelLink(ctx.channel()));
      clients.incrementAndGet();
    } else if (event instanceof IdleStateEvent idle && idle.state() == IdleState.WRITER_IDLE) {
      if (!ctx.channel().isWritable()) {
        // More than peerlink.gateway.max-unsent waits and the client took none of it for a whole
        // stalled-timeout. It reconnects and resumes from its last acknowledgement: nothing is lost.
        log.warn("Closing the connection of {}: it has read nothing of what waits for it (over peerlink.gateway.max-unsent) for peerlink.gateway.stalled-timeout", ctx.channel().remoteAddress());
        ctx.close();
      }
    } else if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
      // Nothing came from the client, not even a pong to the pings, for peerlink.gateway.dead-after: the
      // peer or the path to it is gone without a FIN. Closing frees the socket; a live client reconnects.
      if (session != null) {
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "no answer to pings")).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.close();
      }
    } else if (event instanceof IdleStateEvent) {
      if (session != null) { // an idle plain-HTTP connection gets nothing: a ping is not HTTP
        ctx.writeAndFlush(new PingWebSocketFrame());
      }
    } else {
      super.userEventTriggered(ctx, event);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) throws Exception {
    if (!(message instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(message); // an HTTP request that is not an upgrade: for the endpoints behind
      return;
    }
    try {
      if (frame instanceof TextWebSocketFrame text && text.isFinalFragment()) {
        deliver(text.text()); // the usual case: a whole message in one frame
      } else if (frame instanceof TextWebSocketFrame first) {
        releaseFragments();
        fragments = ctx.alloc().buffer();
        append(first);
      } else if (frame instanceof ContinuationWebSocketFrame more && fragments != null) {
        append(more);
      }
    } finally {
      ReferenceCountUtil.release(frame);
    }
  }

  /**
   * Keeps at most one fragment past the limit, so an oversize message costs bounded memory. Not Netty's
   * WebSocketFrameAggregator (as in the client): it closes the connection on an oversize message, where the
   * protocol answers FRAME_TOO_LARGE and keeps it open.
   */
  private void append(WebSocketFrame frame) {
    if (fragments.readableBytes() <= maxTextBytes) {
      fragments.writeBytes(frame.content());
    }
    if (frame.isFinalFragment()) {
      String text = fragments.toString(StandardCharsets.UTF_8);
      releaseFragments();
      deliver(text);
    }
  }

  private void releaseFragments() {
    if (fragments != null) {
      fragments.release();
      fragments = null;
    }
  }

  private void deliver(String text) {
    if (session != null) {
      if (gate != null) {
        gate.delivered();
      }
      session.tell(new SessionMessage.FromClient(text));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releaseFragments();
    if (session != null) {
      session.tell(new SessionMessage.ClientGone());
      clients.decrementAndGet();
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("Closing the connection of {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
