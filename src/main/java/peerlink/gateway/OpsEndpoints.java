package peerlink.gateway;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The operations port's requests: {@code GET /status} (the node's JSON report), {@code GET /health}
 * (liveness) and {@code GET /ready} (readiness), each behind the bearer token when one is set.
 */
@ChannelHandler.Sharable
final class OpsEndpoints extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final BearerToken token;
  private final Supplier<CompletionStage<String>> status;
  private final Supplier<CompletionStage<Readiness>> readiness;

  OpsEndpoints(BearerToken token, Supplier<CompletionStage<String>> status, Supplier<CompletionStage<Readiness>> readiness) {
    this.token = token;
    this.status = status;
    this.readiness = readiness;
  }

  /** A connection idle past the read timeout, or reset by the caller: nothing to answer, just close it. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (!token.admits(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
      HttpReply.send(ctx, HttpResponseStatus.UNAUTHORIZED, HttpReply.TEXT,
          "This operations port needs the header 'Authorization: Bearer <token>' with the token of peerlink.ops.token.\n", keepAlive);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    switch (path) {
      case "/status" -> {
        if (HttpReply.isGet(ctx, request, keepAlive)) {
          status.get().whenComplete((json, failure) -> {
            if (failure != null) {
              HttpReply.send(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, HttpReply.TEXT,
                  "The status report failed: " + failure.getMessage() + "\n", keepAlive);
            } else {
              HttpReply.send(ctx, HttpResponseStatus.OK, HttpReply.JSON, json, keepAlive);
            }
          });
        }
      }
      case "/health" -> {
        if (HttpReply.isGet(ctx, request, keepAlive)) {
          HttpReply.health(ctx, keepAlive);
        }
      }
      case "/ready" -> {
        if (HttpReply.isGet(ctx, request, keepAlive)) {
          HttpReply.ready(ctx, readiness, keepAlive);
        }
      }
      default -> HttpReply.send(ctx, HttpResponseStatus.NOT_FOUND, HttpReply.TEXT,
          "Not found: " + path + ". The operations port serves /status, /health and /ready.\n", keepAlive);
    }
  }
}
