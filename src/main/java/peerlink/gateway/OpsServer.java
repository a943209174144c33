package peerlink.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import peerlink.transport.EventLoops;

/**
 * A router node's operations port: plain HTTP for {@code /status}, {@code /health} and {@code /ready},
 * apart from the clients' port, because the status report tells the cluster's members, addresses and
 * history. It binds to loopback by default, or asks for a bearer token ({@link OpsSettings}); tools and
 * probes read it in plain HTTP even when the clients' port speaks only TLS.
 */
public final class OpsServer implements AutoCloseable {
  /** Operators' requests are a request line and a few headers. */
  private static final int MAX_REQUEST_BYTES = 8 * 1024;
  /** A connection that sends nothing this long is closed: one thread serves this port, nobody may hold it. */
  private static final int IDLE_SECONDS = 30;

  private final OpsSettings settings;
  private final OpsEndpoints endpoints;
  private final EventLoops loops = new EventLoops("peerlink-ops", 1);
  private volatile Channel listening;

  /**
   * @param status the node's JSON report
   * @param readiness whether the node can serve clients now
   */
  public OpsServer(OpsSettings settings, Supplier<CompletionStage<String>> status, Supplier<CompletionStage<Readiness>> readiness) {
    this.settings = settings;
    this.endpoints = new OpsEndpoints(new BearerToken(settings.token()), status, readiness);
  }

  /** Listens on the settings' host and port; completes once requests are accepted, or with why they cannot be. */
  public CompletionStage<OpsServer> bind() {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(loops.group())
            .channel(loops.serverChannel())
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    channel
                        .pipeline()
                        .addLast(new ReadTimeoutHandler(IDLE_SECONDS))
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                        .addLast(endpoints);
                  }
                });
    CompletableFuture<OpsServer> bound = new CompletableFuture<>();
    ChannelFuture binding = bootstrap.bind(settings.host(), settings.port());
    binding.addListener(
        done -> {
          if (done.isSuccess()) {
            listening = binding.channel();
            bound.complete(this);
          } else {
            bound.completeExceptionally(done.cause());
          }
        });
    return bound;
  }

  /** For the start-up log: where, and whether a token is asked for. */
  public String describe() {
    return "http://" + settings.address() + " (/status, /health, /ready; " + (settings.token().isEmpty() ? "no token" : "bearer token required") + ")";
  }

  @Override
  public void close() {
    Channel channel = listening;
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    loops.close();
  }
}
