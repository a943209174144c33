package peerlink.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web client's files, served by every router node on its client port: a fixed list of files from the
 * jar's {@code web/} folder, read once. A request names one of them exactly or gets 404: no path is ever
 * resolved against a directory, so there is nothing to traverse.
 */
final class WebFiles {
  /**
   * The page's scripts and styles come only from this node; it connects to router nodes over ws(s) anywhere
   * (its server list may name other nodes); nothing may frame it. Peer data is inserted as text, and this
   * policy is the second line of defence if that were ever missed.
   */
  private static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; "
          + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private record File(String contentType, byte[] bytes) {}

  private static final Map<String, File> FILES = Map.of(
      "/", load("index.html", "text/html; charset=UTF-8"),
      "/index.html", load("index.html", "text/html; charset=UTF-8"),
      "/app.js", load("app.js", "text/javascript; charset=UTF-8"),
      "/peerlink.js", load("peerlink.js", "text/javascript; charset=UTF-8"),
      "/identity.js", load("identity.js", "text/javascript; charset=UTF-8"),
      "/peerlink.d.ts", load("peerlink.d.ts", "text/plain; charset=UTF-8"),
      "/identity.d.ts", load("identity.d.ts", "text/plain; charset=UTF-8"),
      // loaded by identity.js only where the browser's WebCrypto has no Ed25519
      "/vendor/noble-ed25519.js", load("vendor/noble-ed25519.js", "text/javascript; charset=UTF-8"),
      "/vendor/noble-ed25519.LICENSE", load("vendor/noble-ed25519.LICENSE", "text/plain; charset=UTF-8"),
      "/style.css", load("style.css", "text/css; charset=UTF-8"));

  private WebFiles() {}

  static boolean serves(String path) {
    return FILES.containsKey(path);
  }

  static void send(ChannelHandlerContext ctx, String path, boolean head, boolean keepAlive) {
    File file = FILES.get(path);
    FullHttpResponse response = new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, HttpResponseStatus.OK, head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(file.bytes()));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, file.contentType())
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set("Content-Security-Policy", POLICY);
    HttpUtil.setContentLength(response, file.bytes().length);
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static File load(String name, String contentType) {
    try (InputStream in = WebFiles.class.getResourceAsStream("/web/" + name)) {
      if (in == null) {
        throw new IllegalStateException("web/" + name + " is missing from the jar");
      }
      return new File(contentType, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
