package peerlink.gateway;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The plain HTTP side of the public (client) port: the web client's files ({@link WebFiles}: {@code GET /}
 * and the page's scripts), {@code GET /health} (liveness) and {@code GET /ready} (readiness), which load
 * balancers probe; why a node is not ready is only on the operations port, as it
 * can name nodes and addresses. {@code /status} is not served here: it tells the cluster's membership and
 * history, so it lives on the operations port ({@link OpsServer}). Requests for {@code /ws}
 * never get here: the WebSocket handshake takes them first.
 */
@ChannelHandler.Sharable
final class HttpEndpoints extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final Supplier<CompletionStage<Readiness>> readiness;
  private final String opsAddress;

  /** {@code opsAddress}: host:port of the operations port, named in the answer to {@code /status}. */
  HttpEndpoints(Supplier<CompletionStage<Readiness>> readiness, String opsAddress) {
    this.readiness = readiness;
    this.opsAddress = opsAddress;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    String path = new QueryStringDecoder(request.uri()).path();
    switch (path) {
      case "/health" -> {
        if (HttpReply.isGet(ctx, request, keepAlive)) {
          HttpReply.health(ctx, keepAlive);
        }
      }
      case "/ready" -> {
        if (HttpReply.isGet(ctx, request, keepAlive)) {
          HttpReply.ready(ctx, readiness, "see http://" + opsAddress + "/ready", keepAlive);
        }
      }
      case "/status" -> HttpReply.send(ctx, HttpResponseStatus.NOT_FOUND, HttpReply.TEXT,
          "Not found: /status is not served on the client port; it is on this node's operations port, http://" + opsAddress
              + "/status (peerlink.ops, --ops-port), or ask with bin/peerlink status.\n", keepAlive);
      default -> {
        if (WebFiles.serves(path)) {
          boolean head = HttpMethod.HEAD.equals(request.method());
          if (head || HttpReply.isGet(ctx, request, keepAlive)) {
            WebFiles.send(ctx, path, head, keepAlive);
          }
        } else {
          HttpReply.send(ctx, HttpResponseStatus.NOT_FOUND, HttpReply.TEXT,
              "Not found: " + path + ". This port serves the web client (/), /ws (WebSocket), /health and /ready.\n", keepAlive);
        }
      }
    }
  }
}
