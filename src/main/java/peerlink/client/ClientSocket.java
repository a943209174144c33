package peerlink.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.apache.pekko.actor.typed.ActorRef;
import peerlink.protocol.Protocol;
import peerlink.transport.WebSocketChannel;

/**
 * One WebSocket from a client to a router node, served by the runtime's shared threads. What happens on
 * it reaches the client's actor as {@link ClientCommand}s tagged with the connection's generation, so the
 * actor can tell a current connection's events from an old one's.
 */
final class ClientSocket extends WebSocketChannel {
  /**
   * Largest message accepted from a router. A batch is at most 64 KiB and one frame about 6 × the router's
   * message size limit (~400 KB by default), but that limit is the operator's to raise; a message refused
   * here would come back after every reconnect, so this is far above any sane setting.
   */
  private static final int MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  /** A ping goes out after this long without traffic, so NAT and proxies keep the connection. */
  private static final Duration KEEP_ALIVE_IDLE = Duration.ofSeconds(20);

  private ClientSocket(Channel channel) {
    super(channel);
  }

  /**
   * Starts connecting to {@code server}, over TLS with {@code tls} when the address is secure; the outcome
   * arrives at {@code owner}.
   */
  static ClientSocket open(ClientRuntime runtime, ServerAddress server, SslContext tls, ClientTls trust, int generation, ActorRef<ClientCommand> owner) {
    URI uri = server.uri(Protocol.WEBSOCKET_PATH);
    WebSocketClientProtocolConfig upgrade =
        WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(uri)
            .maxFramePayloadLength(MAX_MESSAGE_BYTES)
            .handshakeTimeoutMillis(CONNECT_TIMEOUT.toMillis())
            .build();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(runtime.loops().group())
            .channel(runtime.loops().channel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    if (server.secure()) {
                      // The host name goes to the engine for SNI and for the check that the certificate names it.
                      channel.pipeline().addLast(tls.newHandler(channel.alloc(), server.bareHost(), server.port()));
                    }
                    channel
                        .pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(new WebSocketClientProtocolHandler(upgrade))
                        .addLast(new WebSocketFrameAggregator(MAX_MESSAGE_BYTES))
                        .addLast(new IdleStateHandler(0, 0, KEEP_ALIVE_IDLE.toMillis(), TimeUnit.MILLISECONDS))
                        .addLast(new Events(server, trust, generation, owner));
                  }
                });
    ChannelFuture connecting = bootstrap.connect(server.bareHost(), server.port());
    connecting.addListener(
        done -> {
          if (!done.isSuccess()) {
            owner.tell(new ClientCommand.ConnectFailed(generation, String.valueOf(done.cause().getMessage())));
          }
        });
    return new ClientSocket(connecting.channel());
  }

  /** Turns the socket's events into the actor's messages. */
  private static final class Events extends ChannelInboundHandlerAdapter {
    private final ServerAddress server;
    private final ClientTls trust;
    private final int generation;
    private final ActorRef<ClientCommand> owner;
    private boolean upgraded;
    /** Only the first reason a connection failed is told: it is the cause, the close that follows is not. */
    private boolean failureTold;

    Events(ServerAddress server, ClientTls trust, int generation, ActorRef<ClientCommand> owner) {
      this.server = server;
      this.trust = trust;
      this.generation = generation;
      this.owner = owner;
    }

    private void failed(String reason) {
      if (!failureTold) {
        failureTold = true;
        owner.tell(new ClientCommand.ConnectFailed(generation, reason));
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
        failed(TlsFailure.describe(handshake.cause(), server, trust));
      } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        upgraded = true;
        owner.tell(new ClientCommand.Upgraded(generation));
      } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        failed("the WebSocket upgrade timed out");
      } else if (event instanceof IdleStateEvent) {
        if (upgraded) {
          ctx.writeAndFlush(new PingWebSocketFrame());
        }
      } else {
        super.userEventTriggered(ctx, event);
      }
    }

    /** Why a connection failed before its upgrade, in words: TLS problems named, a refused upgrade explained. */
    private String describe(Throwable cause) {
      for (Throwable c = cause; c != null; c = c.getCause()) {
        if (c instanceof SSLException) {
          return TlsFailure.describe(c, server, trust);
        }
        if (c instanceof WebSocketClientHandshakeException refused && !server.secure()) {
          return "the WebSocket upgrade was refused (" + refused.getMessage() + "); a node that serves TLS refuses plain text: connect with "
              + server.hostPort() + " or " + ServerAddress.SECURE_SCHEME + server.hostPort();
        }
      }
      return String.valueOf(cause.getMessage());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      try {
        if (message instanceof TextWebSocketFrame text) {
          owner.tell(new ClientCommand.Received(generation, text.text()));
        }
      } finally {
        ReferenceCountUtil.release(message);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (upgraded) {
        owner.tell(new ClientCommand.Closed(generation));
      } else {
        failed("the connection closed before the WebSocket upgrade");
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A refused upgrade (say HTTP 404 from something that is not PeerLink) lands here, before the close.
      if (!upgraded) {
        failed(describe(cause));
      }
      ctx.close();
    }
  }
}
