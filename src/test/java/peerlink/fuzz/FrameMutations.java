package peerlink.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Random and mutated client input for the protocol fuzzer, drawn from a seeded {@link Random}: valid frames
 * of every type with fields removed, retyped or oversized; lone surrogates; huge numbers; deep nesting;
 * batches of many frames; binary frames; fragments; invalid UTF-8; garbage after the JSON. Each draw is a
 * list of WebSocket frames to write in order.
 *
 * <p>Every {@code to} it writes is {@code sink} (the one recipient the fuzzer watches), the connection's own
 * group (no other member) or a name nobody has, so any send the node accepts for a recipient went to sink.
 */
final class FrameMutations {
  record WireFrame(int opcode, boolean fin, byte[] payload) {
    static WireFrame text(String text) {
      return new WireFrame(FuzzWire.TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] TYPES =
      {"register", "login", "send", "create_group", "join_group", "leave_group", "groups", "members", "status", "ack"};

  /** Characters that make random text look like JSON to a parser for a while. */
  private static final String JSON_CHARACTERS = "{}[]\":,\\ntu0123e-+.";

  private final Random random;
  private final String sink;
  private final String group;
  private final String peer;
  private int nextId;

  FrameMutations(Random random, String peer, String sink) {
    this.random = random;
    this.peer = peer;
    this.sink = sink;
    this.group = "g" + peer;
  }

  /** One input: mostly a single mutated frame, sometimes one of the structural attacks. */
  List<WireFrame> next() {
    return switch (random.nextInt(14)) {
      case 0 -> List.of(WireFrame.text(deepNesting()));
      case 1 -> List.of(WireFrame.text(batch()));
      case 2 -> List.of(new WireFrame(FuzzWire.BINARY, true, randomBytes(random.nextInt(2000))));
      case 3 -> fragments(mutatedFrame());
      case 4 -> List.of(new WireFrame(FuzzWire.TEXT, true, invalidUtf8(mutatedFrame())));
      case 5 -> List.of(WireFrame.text(mutatedFrame() + garbage()));
      case 6 -> List.of(WireFrame.text(randomText(random.nextInt(300))));
      case 7 -> List.of(new WireFrame(FuzzWire.PING, true, randomBytes(random.nextInt(100))));
      default -> List.of(WireFrame.text(mutatedFrame()));
    };
  }

  /** A valid send to sink with a request id of its own: the traffic whose acceptance the fuzzer checks. */
  String validSend() {
    return "{\"type\":\"send\",\"id\":\"v" + (nextId++) + "\",\"to\":\"" + sink + "\",\"body\":\"fuzz " + peer + " " + nextId + "\"}";
  }

  /** A valid send to sink with the given request id: the fuzzer expects {@code ok} for it and nothing else. */
  String trackedSend(String id) {
    return "{\"type\":\"send\",\"id\":\"" + id + "\",\"to\":\"" + sink + "\",\"body\":\"tracked " + peer + " " + id + "\"}";
  }

  /**
   * A send whose text is not valid Unicode (a lone surrogate, escaped in the JSON) in its body, recipient or id:
   * were it accepted, the journal could not store its event. Written in one message with a tracked send, so
   * both reach the router in one batch, which such a send must never take down with it.
   */
  String unstorableSend(String trackedSend) {
    String[] fields = {"\"to\":\"" + sink + "\",\"body\":\"x \\ud800 y\"",
        "\"to\":\"" + sink + "\\udc00\",\"body\":\"x\"", "\"to\":\"" + sink + "\",\"body\":\"\\udbff\""};
    String send = "{\"type\":\"send\",\"id\":\"u" + (nextId++) + "\"," + fields[random.nextInt(fields.length)] + "}";
    return random.nextBoolean() ? send + "\n" + trackedSend : trackedSend + "\n" + send;
  }

  /** A valid frame of a random type, then zero to three mutations of its fields. */
  String mutatedFrame() {
    ObjectNode frame = validFrame(TYPES[random.nextInt(TYPES.length)]);
    int mutations = random.nextInt(4);
    for (int i = 0; i < mutations; i++) {
      mutate(frame);
    }
    return frame.toString().replace("LONE_SURROGATE", "\\ud800");
  }

  private ObjectNode validFrame(String type) {
    ObjectNode frame = JSON.createObjectNode().put("type", type);
    if (!type.equals("ack")) {
      frame.put("id", "r" + (nextId++));
    }
    switch (type) {
      case "register", "login" -> {
        frame.put("version", 1 + random.nextInt(2));
        frame.put("peer", random.nextBoolean() ? peer : sink);
        frame.put("publicKey", "MCowBQYDK2VwAyEA" + "A".repeat(43) + "=");
        frame.put("signature", "c2ln");
        frame.put("lastSeq", random.nextInt(5));
      }
      case "send" -> {
        frame.put("to", random.nextInt(3) == 0 ? group : sink);
        frame.put("body", "body " + random.nextInt());
        if (random.nextBoolean()) {
          frame.put("receipts", random.nextBoolean());
        }
      }
      case "create_group", "join_group", "leave_group" -> frame.put("group", group);
      case "groups" -> frame.put("limit", 1 + random.nextInt(1000));
      case "members" -> frame.put("group", group).put("after", "a");
      case "status" -> frame.put("msgId", "m" + random.nextInt(100));
      case "ack" -> frame.put("upTo", random.nextInt(10));
      default -> throw new IllegalArgumentException(type);
    }
    return frame;
  }

  /** Removes a field, gives it another JSON type, makes it huge or odd, or adds one. */
  private void mutate(ObjectNode frame) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = frame.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    if (names.isEmpty()) {
      frame.put("type", TYPES[random.nextInt(TYPES.length)]);
      return;
    }
    String name = names.get(random.nextInt(names.size()));
    switch (random.nextInt(12)) {
      case 0 -> frame.remove(name);
      case 1 -> frame.putNull(name);
      case 2 -> frame.put(name, random.nextLong());
      case 3 -> frame.set(name, JSON.createObjectNode().put("x", 1));
      case 4 -> frame.set(name, JSON.createArrayNode().add("a").add(2));
      case 5 -> frame.put(name, random.nextBoolean());
      case 6 -> frame.put(name, "x".repeat(random.nextBoolean() ? 1025 : 70_000));
      case 7 -> frame.put(name, "a LONE_SURROGATE b");
      case 8 -> frame.set(name, JSON.getNodeFactory().numberNode(new java.math.BigInteger("9".repeat(1 + random.nextInt(400)))));
      case 9 -> frame.put(name, random.nextBoolean() ? 1.5e308 : -0.5);
      case 10 -> frame.put(name, oddName());
      default -> frame.put("extra" + random.nextInt(3), randomText(20));
    }
  }

  /** Strings a name field should refuse: invisible, mixed-script, spaced, control, too long, empty. */
  private String oddName() {
    String[] odd = {"", " ", "a b", "\u200bzero", "\u0430lice", "tab\there", "\u202Eevil", "x".repeat(65), "caf\u0065\u0301", "\uff41"};
    return odd[random.nextInt(odd.length)] + "nobody" + random.nextInt(1000);
  }

  private String deepNesting() {
    int depth = 1 + random.nextInt(5000);
    boolean arrays = random.nextBoolean();
    StringBuilder text = new StringBuilder("{\"type\":\"send\",\"id\":\"d\",\"to\":");
    for (int i = 0; i < depth; i++) {
      text.append(arrays ? "[" : "{\"a\":");
    }
    text.append('1');
    for (int i = 0; i < depth; i++) {
      text.append(arrays ? ']' : '}');
    }
    return text.append('}').toString();
  }

  /** Many frames in one message (more than the 1000 a message may hold, sometimes), some valid. */
  private String batch() {
    int frames = 2 + random.nextInt(random.nextBoolean() ? 50 : 1500);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < frames; i++) {
      text.append(random.nextInt(4) == 0 ? validSend() : mutatedFrame()).append(random.nextBoolean() ? "\n" : " ");
    }
    return text.toString();
  }

  private List<WireFrame> fragments(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    List<WireFrame> parts = new ArrayList<>();
    int at = 0;
    boolean first = true;
    while (at < bytes.length) {
      int end = Math.min(bytes.length, at + 1 + random.nextInt(40));
      byte[] part = java.util.Arrays.copyOfRange(bytes, at, end);
      boolean last = end == bytes.length && random.nextInt(8) != 0; // sometimes a message never finished
      parts.add(new WireFrame(first ? FuzzWire.TEXT : FuzzWire.CONTINUATION, last, part));
      first = false;
      at = end;
    }
    return parts;
  }

  /** The frame's UTF-8 with a byte sequence that is not UTF-8 put in: an encoded surrogate, an overlong form, 0xFF, a cut sequence. */
  private byte[] invalidUtf8(String text) {
    byte[][] bad = {{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}};
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] insert = bad[random.nextInt(bad.length)];
    int at = random.nextInt(bytes.length + 1);
    byte[] result = new byte[bytes.length + insert.length];
    System.arraycopy(bytes, 0, result, 0, at);
    System.arraycopy(insert, 0, result, at, insert.length);
    System.arraycopy(bytes, at, result, at + insert.length, bytes.length - at);
    return result;
  }

  private String garbage() {
    String[] tails = {"}", "]]]", "xyz", "{", "\"", "{\"type\":", ",", "\u0000", " {} ", "null"};
    return tails[random.nextInt(tails.length)];
  }

  private String randomText(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(4);
      text.append(kind == 0 ? (char) random.nextInt(0x10000)
          : kind == 1 ? JSON_CHARACTERS.charAt(random.nextInt(JSON_CHARACTERS.length())) : (char) (32 + random.nextInt(95)));
    }
    return text.toString();
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  /** The JSON of an answer, or null if it is not JSON (the fuzzer then fails: the server must only send JSON). */
  static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      return null;
    }
  }
}
