package peerlink.bench.abuse;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket on a bare (TLS) socket that does only what its abuser says: it never reads unless asked and
 * never answers a ping, so the node sees a client that is not polite. Frames are masked, as a client's must be.
 */
final class AbuseSocket implements AutoCloseable {
  private final Socket socket;
  private final Socket tcp;
  private final DataInputStream in;
  private final OutputStream out;

  private AbuseSocket(Target.Connection connection) throws IOException {
    this.socket = connection.socket();
    this.tcp = connection.tcp();
    Socket socket = connection.socket();
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects and upgrades; throws if the node refuses (503 when over a connection limit). */
  static AbuseSocket open(Target target) throws IOException {
    Target.Connection connection = target.open();
    Socket socket = connection.socket();
    socket.setSoTimeout(30_000);
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    String request = "GET /ws HTTP/1.1\r\nHost: " + target.host() + ":" + target.port()
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
        + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    AbuseSocket ws = new AbuseSocket(connection);
    try {
      String status = ws.line();
      if (!status.contains(" 101 ")) {
        throw new IOException("upgrade refused: " + status);
      }
      while (!ws.line().isEmpty()) {
        // headers
      }
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    return ws;
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c == -1) {
        throw new IOException("closed during the upgrade");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /** The next text message (a batch is returned whole), or null once the node has closed the connection. */
  String readText() throws IOException {
    while (true) {
      int first = in.read();
      if (first == -1) {
        return null;
      }
      int second = in.readUnsignedByte();
      long length = second & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      int opcode = first & 0x0f;
      if (opcode == 8) {
        return null;
      }
      if (opcode == 1) {
        return new String(payload, StandardCharsets.UTF_8);
      }
    }
  }

  void sendText(String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 8);
    frame.write(0x81);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xff);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** Closes the connection; from another thread too, even while a write is blocked on a node that stopped reading. */
  @Override
  public void close() {
    try {
      tcp.close();
      socket.close();
    } catch (IOException ignored) {
      // the node may have closed it first
    }
  }
}
