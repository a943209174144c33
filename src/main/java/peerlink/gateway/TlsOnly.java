package peerlink.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * The first handler of a TLS port: a connection that opens with a TLS hello gets the TLS handler (Netty's
 * detection); one that opens in plain text (a {@code ws://} client, {@code curl http://}) gets a plain HTTP
 * 400 saying that this port speaks TLS, and is closed. Nothing of its request is read further.
 */
final class TlsOnly extends OptionalSslHandler {
  private static final String REFUSAL_BODY =
      "This PeerLink port speaks TLS only: connect with wss://host:port/ws (clients: host:port or wss://host:port), or https:// for /health and /ready.\n";
  private static final byte[] REFUSAL =
      ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=UTF-8\r\nConnection: close\r\nContent-Length: "
              + REFUSAL_BODY.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + REFUSAL_BODY)
          .getBytes(StandardCharsets.US_ASCII);

  TlsOnly(SslContext context) {
    super(context);
  }

  @Override
  protected ChannelHandler newNonSslHandler(ChannelHandlerContext context) {
    return new PlainTextRefused();
  }

  /** Answers the first plain-text bytes once, then closes; anything else that arrives is dropped. */
  private static final class PlainTextRefused extends ChannelInboundHandlerAdapter {
    private boolean answered;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      ReferenceCountUtil.release(message);
      if (!answered) {
        answered = true;
        ctx.writeAndFlush(Unpooled.wrappedBuffer(REFUSAL)).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
