package peerlink.gateway;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Answers of the plain HTTP endpoints, shared by the public port ({@link HttpEndpoints}) and the operations
 * port ({@link OpsEndpoints}), so that {@code /health} and {@code /ready} answer the same on both.
 */
final class HttpReply {
  static final String JSON = "application/json";
  static final String TEXT = "text/plain; charset=UTF-8";

  private HttpReply() {}

  /** Liveness: the process serves HTTP, so it is alive; nothing else is asked. */
  static void health(ChannelHandlerContext ctx, boolean keepAlive) {
    send(ctx, HttpResponseStatus.OK, TEXT, "ok\n", keepAlive);
  }

  /** Readiness: 200 {@code ready}, or 503 with the one-line reason. */
  static void ready(ChannelHandlerContext ctx, Supplier<CompletionStage<Readiness>> readiness, boolean keepAlive) {
    ready(ctx, readiness, null, keepAlive);
  }

  /**
   * Readiness: 200 {@code ready}, or 503 saying that the reason is at {@code reasonAt} (a URL). The reasons
   * can name the cluster's nodes and addresses, so the public port gives only the code, which is all a load
   * balancer reads.
   */
  static void ready(ChannelHandlerContext ctx, Supplier<CompletionStage<Readiness>> readiness, String reasonAt, boolean keepAlive) {
    readiness.get().whenComplete((answer, failure) -> {
      if (answer != null && answer.ready()) {
        send(ctx, HttpResponseStatus.OK, TEXT, "ready\n", keepAlive);
      } else if (reasonAt != null) {
        send(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT, "not ready (why: " + reasonAt + ")\n", keepAlive);
      } else if (failure != null) {
        send(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT, "not ready: the readiness check failed: " + failure.getMessage() + "\n", keepAlive);
      } else {
        send(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT, "not ready: " + answer.reason() + "\n", keepAlive);
      }
    });
  }

  /** True for GET; anything else is answered 405 here. */
  static boolean isGet(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
    if (HttpMethod.GET.equals(request.method())) {
      return true;
    }
    send(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, request.method() + " is not supported here; use GET.\n", keepAlive);
    return false;
  }

  static void send(ChannelHandlerContext ctx, HttpResponseStatus code, String contentType, String body, boolean keepAlive) {
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
