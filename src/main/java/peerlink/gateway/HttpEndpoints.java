package peerlink.gateway;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The plain HTTP side of a node: {@code GET /health} (is the node serving) and {@code GET /status} (its
 * JSON report). Requests for {@code /ws} never get here: the WebSocket handshake takes them first.
 */
@ChannelHandler.Sharable
final class HttpEndpoints extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final String JSON = "application/json";
  private static final String TEXT = "text/plain; charset=UTF-8";
  private final Supplier<CompletionStage<String>> status;

  HttpEndpoints(Supplier<CompletionStage<String>> status) {
    this.status = status;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    String path = new QueryStringDecoder(request.uri()).path();
    switch (path) {
      case "/health" -> {
        if (isGet(ctx, request, keepAlive)) {
          respond(ctx, HttpResponseStatus.OK, TEXT, "ok\n", keepAlive);
        }
      }
      case "/status" -> {
        if (isGet(ctx, request, keepAlive)) {
          status.get().whenComplete((json, failure) -> {
            if (failure != null) {
              respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT, "The status report failed: " + failure.getMessage() + "\n", keepAlive);
            } else {
              respond(ctx, HttpResponseStatus.OK, JSON, json, keepAlive);
            }
          });
        }
      }
      default -> respond(ctx, HttpResponseStatus.NOT_FOUND, TEXT, "Not found: " + path + ". This node serves /ws (WebSocket), /health and /status.\n", keepAlive);
    }
  }

  private static boolean isGet(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
    if (HttpMethod.GET.equals(request.method())) {
      return true;
    }
    respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, request.method() + " is not supported here; use GET.\n", keepAlive);
    return false;
  }

  private static void respond(ChannelHandlerContext ctx, HttpResponseStatus code, String contentType, String body, boolean keepAlive) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, code, ByteBufUtil.writeUtf8(ctx.alloc(), body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
