package peerlink.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client on a bare socket that writes any frame it is told to (any opcode, unfinished
 * fragments, bytes that are not UTF-8, lengths up to 2^31) and reads everything the server sends on a
 * thread of its own, so that the server never stops reading it for unsent output. The JDK's client cannot
 * write most of what a fuzzer needs (it encodes text itself and refuses bad frames).
 */
final class FuzzWire implements AutoCloseable {
  static final int CONTINUATION = 0, TEXT = 1, BINARY = 2, CLOSE = 8, PING = 9, PONG = 10;

  private final Socket socket;
  private final OutputStream out;
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private volatile boolean closed;
  private final SecureRandom maskSource = new SecureRandom();

  private FuzzWire(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
  }

  /** Opens {@code ws://127.0.0.1:port/ws} and starts reading; throws if the upgrade is refused. */
  static FuzzWire connect(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(0);
    byte[] key = new byte[16];
    new SecureRandom().nextBytes(key);
    String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
        + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    DataInputStream in = new DataInputStream(socket.getInputStream());
    String status = line(in);
    if (!status.contains(" 101 ")) {
      socket.close();
      throw new IOException("upgrade refused: " + status);
    }
    while (!line(in).isEmpty()) {
      // headers
    }
    FuzzWire wire = new FuzzWire(socket);
    Thread reader = new Thread(() -> wire.read(in), "fuzz-wire-reader");
    reader.setDaemon(true);
    reader.start();
    return wire;
  }

  private static String line(DataInputStream in) throws IOException {
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

  /** Reads until the server closes: text messages (split at line feeds: version 2 batches) go to the queue; pings are answered. */
  private void read(DataInputStream in) {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    try {
      while (true) {
        int first = in.read();
        if (first == -1) {
          break;
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
        boolean fin = (first & 0x80) != 0;
        if (opcode == PING) {
          send(PONG, true, payload);
        } else if (opcode == CLOSE) {
          break;
        } else if (opcode == TEXT || opcode == CONTINUATION) {
          message.write(payload);
          if (fin) {
            for (String frame : message.toString(StandardCharsets.UTF_8).split("\n")) {
              frames.add(frame);
            }
            message.reset();
          }
        }
      }
    } catch (IOException e) {
      // the server closed or reset the connection: that is one of its answers to garbage
    } finally {
      closed = true;
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  /** Writes one masked frame, as a client must; false if the connection is already gone. */
  synchronized boolean send(int opcode, boolean fin, byte[] payload) {
    if (closed) {
      return false;
    }
    try {
      ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
      frame.write((fin ? 0x80 : 0) | opcode);
      if (payload.length < 126) {
        frame.write(0x80 | payload.length);
      } else if (payload.length <= 0xffff) {
        frame.write(0x80 | 126);
        frame.write(payload.length >> 8);
        frame.write(payload.length & 0xff);
      } else {
        frame.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
          frame.write((int) ((long) payload.length >> shift) & 0xff);
        }
      }
      byte[] mask = new byte[4];
      maskSource.nextBytes(mask);
      frame.write(mask);
      for (int i = 0; i < payload.length; i++) {
        frame.write(payload[i] ^ mask[i % 4]);
      }
      out.write(frame.toByteArray());
      out.flush();
      return true;
    } catch (IOException e) {
      closed = true;
      return false;
    }
  }

  boolean sendText(String text) {
    return send(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The next text frame received, or null if none arrives within {@code millis}. */
  String poll(long millis) throws InterruptedException {
    return frames.poll(millis, TimeUnit.MILLISECONDS);
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
