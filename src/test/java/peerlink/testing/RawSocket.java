package peerlink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bare WebSocket (the JDK's client, not ours) for tests that speak the protocol frame by frame:
 * send exact text, read each frame the server sends (a batch of several frames is read frame by frame).
 */
public final class RawSocket implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private final WebSocket socket;
  private final AtomicInteger messages = new AtomicInteger();
  private volatile boolean closed;
  /** The server's close frame: status code and reason, or null. */
  private volatile String closeStatus;
  /** While set, the socket reads nothing more (the JDK client's own flow control), like a stuck client. */
  private volatile boolean stalled;
  private final java.util.concurrent.atomic.AtomicBoolean readOwed = new java.util.concurrent.atomic.AtomicBoolean();

  private RawSocket(URI uri, HttpClient http) {
    StringBuilder partial = new StringBuilder();
    this.socket =
        http
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(
                uri,
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                      // A version 2 batch: several frames in one message, a line feed between them.
                      messages.incrementAndGet();
                      for (String frame : partial.toString().split("\n")) {
                        frames.add(frame);
                      }
                      partial.setLength(0);
                    }
                    if (stalled) {
                      readOwed.set(true);
                    } else {
                      ws.request(1);
                    }
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                    closeStatus = status + " " + reason;
                    closed = true;
                    return null;
                  }

                  @Override
                  public void onError(WebSocket ws, Throwable error) {
                    closed = true;
                  }
                })
            .join();
  }

  public static RawSocket connect(int port) {
    return new RawSocket(URI.create("ws://127.0.0.1:" + port + "/ws"), HttpClient.newHttpClient());
  }

  /** Over TLS (wss://), trusting only the CA certificate in {@code caFile}, as a node of a deployment serves. */
  public static RawSocket connectTls(int port, java.nio.file.Path caFile) {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(caFile)) {
      java.security.KeyStore trusted = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
      trusted.load(null, null);
      trusted.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
      javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      return new RawSocket(URI.create("wss://127.0.0.1:" + port + "/ws"), HttpClient.newBuilder().sslContext(tls).build());
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new AssertionError("cannot trust " + caFile, e);
    }
  }

  public void send(String text) {
    socket.sendText(text, true).join();
  }

  /** Sends one text message as several WebSocket frames (a first frame and continuations). */
  public void sendFragments(String... parts) {
    for (int i = 0; i < parts.length; i++) {
      socket.sendText(parts[i], i == parts.length - 1).join();
    }
  }

  /** Stops reading: what the server sends piles up in its buffers and the kernel's. */
  public void stopReading() {
    stalled = true;
  }

  public void resumeReading() {
    stalled = false;
    if (readOwed.getAndSet(false)) {
      socket.request(1);
    }
  }

  public void sendBinary(byte[] bytes) {
    socket.sendBinary(java.nio.ByteBuffer.wrap(bytes), true).join();
  }

  /** The next frame as JSON, failing the test if none arrives within the deadline. */
  public JsonNode next() {
    try {
      String frame = frames.poll(15, TimeUnit.SECONDS);
      if (frame == null) {
        throw new AssertionError("no frame from the server within 15 s");
      }
      return JSON.readTree(frame);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Takes one frame already received and returns true, or returns false if none is waiting. */
  public boolean skipOne() {
    return frames.poll() != null;
  }

  /** True if no frame arrives within {@code millis}. */
  public boolean quietFor(long millis) throws InterruptedException {
    return frames.poll(millis, TimeUnit.MILLISECONDS) == null;
  }

  /** WebSocket messages received so far (with batching, fewer than frames). */
  public int messagesReceived() {
    return messages.get();
  }

  public boolean isClosed() {
    return closed;
  }

  /** The close frame the server sent, as "status reason", or null (none yet, or the socket just broke). */
  public String closeStatus() {
    return closeStatus;
  }

  /** Sends without waiting for the send to complete: a client that writes faster than it is read. */
  public void sendWithoutWaiting(String text) {
    socket.sendText(text, true);
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
  }
}
