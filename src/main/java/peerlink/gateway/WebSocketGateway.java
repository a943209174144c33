package peerlink.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import peerlink.protocol.Protocol;
import peerlink.router.RouterCommand;
import peerlink.session.ClientLink;
import peerlink.session.Session;
import peerlink.session.SessionDirectory;
import peerlink.session.SessionMessage;
import peerlink.session.SessionSettings;
import peerlink.transport.EventLoops;

/**
 * The node's network edge: upgrades {@code /ws} to a WebSocket and couples it to a new {@link Session}
 * actor, and serves {@code /health} and {@code /ready} ({@link HttpEndpoints}; {@code /status} is on the
 * operations port, {@link OpsServer}). It only moves text between sockets and sessions; all protocol logic
 * is in the session.
 */
public final class WebSocketGateway implements AutoCloseable {
  /** Largest HTTP request (the upgrade, or a health probe) read before it is refused. */
  private static final int MAX_REQUEST_BYTES = 16 * 1024;
  /** A single frame this many times over the text limit closes the connection (1009) instead of being read. */
  private static final int FRAME_LIMIT_FACTOR = 4;
  /** A refused connection that sends no request in this time is closed without an answer. */
  private static final int REFUSAL_TIMEOUT_SECONDS = 5;
  private static final long REFUSAL_LOG_INTERVAL_MILLIS = 10_000;

  private final ActorSystem<?> system;
  private final ActorRef<RouterCommand> router;
  private final SessionSettings sessionSettings;
  private final GatewaySettings settings;
  /** Null: plain ws:// (an explicit opt-in, warned about at start). */
  private final GatewayTls tls;
  private final ActorRef<SessionDirectory.Command> directory;
  private final Supplier<CompletionStage<Readiness>> readiness;
  private final String opsAddress;
  private final AtomicLong connections = new AtomicLong();
  /** WebSocket connections open now (a session each). */
  private final AtomicInteger clients = new AtomicInteger();
  private final EventLoops loops;
  private final ChannelGroup open = new DefaultChannelGroup("peerlink-clients", GlobalEventExecutor.INSTANCE);
  private final ConnectionLimits limits;
  /** Connections refused since the last log line about it: a flood is logged once per interval, not per connection. */
  private final AtomicLong refusedSinceLog = new AtomicLong();
  private final AtomicLong lastRefusalLog = new AtomicLong();
  private final java.util.List<Channel> listening = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * @param tls what the node presents on wss://, or null to serve plain ws://
   * @param readiness answers {@code /ready}
   * @param opsAddress host:port of the node's operations port, which the answer to {@code /status} names
   */
  public WebSocketGateway(
      ActorSystem<?> system,
      ActorRef<RouterCommand> router,
      SessionSettings sessionSettings,
      GatewaySettings settings,
      GatewayTls tls,
      ActorRef<SessionDirectory.Command> directory,
      Supplier<CompletionStage<Readiness>> readiness,
      String opsAddress) {
    this.system = system;
    this.router = router;
    this.sessionSettings = sessionSettings;
    this.settings = settings;
    this.tls = tls;
    this.directory = directory;
    this.readiness = readiness;
    this.opsAddress = opsAddress;
    this.loops = new EventLoops("peerlink-gateway", settings.ioThreads());
    this.limits = new ConnectionLimits(settings.maxConnections(), settings.maxConnectionsPerAddress());
  }

  /** Listens on {@code host:port}; completes once connections are accepted, or with why they cannot be. */
  public CompletionStage<WebSocketGateway> bind(String host, int port) {
    return listen(host, port, tls);
  }

  /**
   * Also serves the web client and WebSocket in plain text on the loopback address only (127.0.0.1:{@code
   * port}), for a browser on this machine: it treats http://127.0.0.1 as a secure context (WebCrypto works)
   * and needs no CA installed, and nobody off the machine can reach it (README, "The web client").
   */
  public CompletionStage<WebSocketGateway> bindLoopbackPlain(int port) {
    return listen(InetAddress.getLoopbackAddress().getHostAddress(), port, null);
  }

  private CompletionStage<WebSocketGateway> listen(String host, int port, GatewayTls tls) {
    int maxText = sessionSettings.limits().maxFrameBytes();
    HttpEndpoints endpoints = new HttpEndpoints(readiness, opsAddress);
    WebSocketServerProtocolConfig upgrade =
        WebSocketServerProtocolConfig.newBuilder()
            .websocketPath("/" + Protocol.WEBSOCKET_PATH)
            .maxFramePayloadLength(maxText * FRAME_LIMIT_FACTOR)
            .handshakeTimeoutMillis(TimeUnit.SECONDS.toMillis(10))
            .build();
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(loops.group())
            .channel(loops.serverChannel())
            .option(ChannelOption.SO_BACKLOG, settings.backlog())
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(settings.maxUnsentBytes() / 2, settings.maxUnsentBytes()))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    open.add(channel);
                    InetAddress address = channel.remoteAddress().getAddress();
                    String refusal = limits.tryAcquire(address);
                    if (tls != null) {
                      channel.pipeline().addLast(new TlsOnly(tls.context()));
                    }
                    if (refusal != null) {
                      refused(refusal);
                      channel
                          .pipeline()
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                          .addLast(new ReadTimeoutHandler(REFUSAL_TIMEOUT_SECONDS))
                          .addLast(new ConnectionRefused(refusal));
                      return;
                    }
                    channel.closeFuture().addListener(closed -> limits.release(address));
                    channel
                        .pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                        // Writer idleness counts the socket taking bytes as activity (observeOutput), so
                        // it finds a client that stopped reading, not one we have nothing to say to.
                        // Reader idleness finds a client that answers not even the pings (dead-after).
                        .addLast(new IdleStateHandler(true, settings.deadAfter().toMillis(), settings.stalledTimeout().toMillis(),
                            settings.keepAliveIdle().toMillis(), TimeUnit.MILLISECONDS))
                        .addLast(new InputGate())
                        .addLast(new WebSocketServerProtocolHandler(upgrade))
                        // After the upgrade handler, so that it sees the upgrade's completion.
                        .addLast(new LoginDeadline(settings.loginTimeout()))
                        .addLast(new SessionBridge(WebSocketGateway.this::newSession, clients, maxText))
                        .addLast(endpoints);
                  }
                });
    CompletableFuture<WebSocketGateway> bound = new CompletableFuture<>();
    ChannelFuture binding = bootstrap.bind(host, port);
    binding.addListener(
        done -> {
          if (done.isSuccess()) {
            listening.add(binding.channel());
            bound.complete(this);
          } else {
            bound.completeExceptionally(done.cause());
          }
        });
    return bound;
  }

  /** WebSocket connections open now, for the status report. */
  public int connectedClients() {
    return clients.get();
  }

  /** How the sockets are served ({@code epoll} or {@code nio}) and by how many threads, for the start-up log. */
  public String describeIo() {
    return loops.kind() + ", " + settings.ioThreads() + " I/O threads";
  }

  /** The scheme clients use: {@code wss} or {@code ws}. */
  public String scheme() {
    return tls != null ? "wss" : "ws";
  }

  /** Logs refused connections at most once per {@link #REFUSAL_LOG_INTERVAL_MILLIS}, with how many. */
  private void refused(String sentence) {
    refusedSinceLog.incrementAndGet();
    long now = System.currentTimeMillis();
    long last = lastRefusalLog.get();
    if (now - last >= REFUSAL_LOG_INTERVAL_MILLIS && lastRefusalLog.compareAndSet(last, now)) {
      org.slf4j.LoggerFactory.getLogger(WebSocketGateway.class)
          .warn("Refused {} connection(s) over a limit since the last such line; the latest: {}", refusedSinceLog.getAndSet(0), sentence);
    }
  }

  /** Connections open now, counted by the limits (also those not yet upgraded). */
  public int openConnections() {
    return limits.open();
  }

  private ActorRef<SessionMessage> newSession(ClientLink link) {
    return system.systemActorOf(
        Session.create(router, link, sessionSettings, directory), "session-" + connections.incrementAndGet(), Props.empty());
  }

  /** Stops accepting, closes every client connection (clients fail over to another node), frees the threads. */
  @Override
  public void close() {
    for (Channel channel : listening) {
      channel.close().syncUninterruptibly();
    }
    open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    loops.close();
  }
}
