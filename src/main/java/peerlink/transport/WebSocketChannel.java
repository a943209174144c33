package peerlink.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * Writing to one WebSocket, for the router's sessions and the client library alike. Safe to call from any
 * thread: Netty queues the writes in order, so a close lands after everything sent before it. Writes never
 * block or refuse; a write to a connection that is gone is dropped (its owner hears of the end separately).
 */
public class WebSocketChannel {
  private final Channel channel;

  public WebSocketChannel(Channel channel) {
    this.channel = channel;
  }

  protected Channel channel() {
    return channel;
  }

  /** Sends one text message, encoded straight into a pooled buffer. */
  public void send(String text) {
    channel.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(channel.alloc(), text)), channel.voidPromise());
  }

  /** Closes after what was sent before has been written; a connection not yet open is just closed. */
  public void close() {
    if (channel.isActive()) {
      channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE)).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }
}
