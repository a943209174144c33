package peerlink.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes protocol frames as JSON text, turning every kind of bad input into a ProtocolException. */
public final class FrameCodec {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          // 1.5 where an integer is expected is an error, not 1 (see bind)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .build();

  private final Limits limits;

  public FrameCodec(Limits limits) {
    this.limits = limits;
  }

  public Limits limits() {
    return limits;
  }

  /** One frame of a client's message: the frame, or why it was refused and the request id its JSON named. */
  public record Decoded(ClientFrame frame, ProtocolException error, String id) {
    static Decoded refused(ProtocolException error, String id) {
      return new Decoded(null, error, id);
    }
  }

  /**
   * The frames of one WebSocket message from a client, in order: one JSON object, or several separated by
   * whitespace (a version 2 batch). Each frame is decoded on its own, so one bad frame does not cost the
   * others; malformed JSON ends the message, since nothing after it can be delimited.
   */
  public List<Decoded> decodeClientMessage(String text) {
    return decodeClientMessage(text, Limits.MAX_FRAMES_PER_MESSAGE);
  }

  /**
   * The same, reading at most {@code maxFrames} frames (fewer before login: a client that has not proved
   * a key gets no more answers per message than a login needs).
   */
  public List<Decoded> decodeClientMessage(String text, int maxFrames) {
    try {
      checkSize(text);
    } catch (ProtocolException e) {
      return List.of(Decoded.refused(e, requestIdOf(text)));
    }
    List<Decoded> frames = new ArrayList<>(1);
    try (JsonParser parser = MAPPER.createParser(text)) {
      while (true) {
        JsonNode tree = MAPPER.readTree(parser);
        if (tree == null) {
          break;
        }
        if (frames.size() == maxFrames) {
          String when = maxFrames < Limits.MAX_FRAMES_PER_MESSAGE ? " before login" : "";
          frames.add(Decoded.refused(new ProtocolException(ErrorCode.FRAME_TOO_LARGE,
              "A message holds at most " + maxFrames + " frames" + when + "; the rest of it was not read."), null));
          break;
        }
        frames.add(decodeClientTree(tree));
      }
    } catch (JsonProcessingException e) {
      frames.add(Decoded.refused(new ProtocolException(ErrorCode.BAD_FRAME, "Malformed JSON: " + e.getOriginalMessage()), null));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String does no I/O
    }
    if (frames.isEmpty()) {
      frames.add(Decoded.refused(new ProtocolException(ErrorCode.BAD_FRAME, "The frame is not a JSON object."), null));
    }
    return frames;
  }

  private static Decoded decodeClientTree(JsonNode tree) {
    JsonNode id = tree.get("id");
    String requestId = echoable(id);
    try {
      requireTextFields(tree);
      return new Decoded(bind(tree, ClientFrame.class), null, requestId);
    } catch (ProtocolException e) {
      return Decoded.refused(e, requestId);
    }
  }

  /**
   * Every text field is valid Unicode, the body included: JSON can spell a lone surrogate ({@code "\ud800"}),
   * which has no UTF-8 form, so it could neither be stored nor sent on. Every text field but the body is at
   * most {@link Limits#MAX_FIELD_LENGTH} characters, and the request id at most {@link Limits#MAX_REQUEST_ID_LENGTH}:
   * ids, names, keys and signatures are short, and a request crosses between nodes in one bounded message (and
   * a send's id is kept by the router), so only the body may be long, and it has a limit of its own.
   */
  private static void requireTextFields(JsonNode tree) {
    if (!tree.isObject()) {
      return;
    }
    var fields = tree.fields();
    while (fields.hasNext()) {
      var field = fields.next();
      if (!field.getValue().isTextual()) {
        continue;
      }
      String text = field.getValue().asText();
      int bad = Text.firstLoneSurrogate(text);
      if (bad >= 0) {
        throw new ProtocolException(ErrorCode.BAD_FRAME,
            "Field '" + field.getKey() + "' is not valid Unicode: a lone surrogate at position " + (bad + 1) + ".");
      }
      int limit = field.getKey().equals("id") ? Limits.MAX_REQUEST_ID_LENGTH : Limits.MAX_FIELD_LENGTH;
      if (!field.getKey().equals("body") && text.length() > limit) {
        throw new ProtocolException(ErrorCode.BAD_FRAME, "Field '" + field.getKey() + "' is longer than " + limit + " characters.");
      }
    }
  }

  /** A request id the error about its frame may echo: a short one of valid Unicode, else none. */
  private static String echoable(JsonNode id) {
    if (id == null || !id.isTextual()) {
      return null;
    }
    String text = id.asText();
    return text.length() <= Limits.MAX_REQUEST_ID_LENGTH && Text.firstLoneSurrogate(text) < 0 ? text : null;
  }

  /** The id of a request whose message is refused as a whole, when its JSON at least has one. */
  private static String requestIdOf(String text) {
    try {
      return echoable(MAPPER.readTree(text).get("id"));
    } catch (Exception e) {
      return null;
    }
  }

  /** The frames of one WebSocket message from a server: PeerLink servers put a line feed between frames. */
  public static List<String> serverFrames(String message) {
    if (message.indexOf('\n') < 0) {
      return List.of(message);
    }
    return List.of(message.split("\n"));
  }

  public ServerFrame decodeServer(String text) {
    return read(text, ServerFrame.class);
  }

  public static String encode(ClientFrame frame) {
    return write(frame, ClientFrame.class);
  }

  public static String encode(ServerFrame frame) {
    return write(frame, ServerFrame.class);
  }

  /** The shared mapper, for edges (the console's --json output) that print protocol-shaped JSON. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  private void checkSize(String text) {
    // Cheap bound first: a UTF-8 byte is at least one char, at most three per char.
    if (text.length() > limits.maxFrameBytes()
        || (text.length() * 3L > limits.maxFrameBytes()
            && text.getBytes(StandardCharsets.UTF_8).length > limits.maxFrameBytes())) {
      throw new ProtocolException(
          ErrorCode.FRAME_TOO_LARGE, "Frame exceeds " + limits.maxFrameBytes() + " bytes.");
    }
  }

  private static <T> String write(T frame, Class<T> type) {
    try {
      return MAPPER.writerFor(type).writeValueAsString(frame);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + frame, e);
    }
  }

  private static <T> T read(String text, Class<T> type) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "Malformed JSON: " + e.getOriginalMessage());
    }
    return bind(tree, type);
  }

  private static <T> T bind(JsonNode tree, Class<T> type) {
    try {
      if (tree == null || !tree.isObject()) {
        throw new ProtocolException(ErrorCode.BAD_FRAME, "The frame is not a JSON object.");
      }
      T frame = MAPPER.treeToValue(tree, type);
      if (frame == null) {
        throw new ProtocolException(ErrorCode.BAD_FRAME, "The frame is not a JSON object.");
      }
      return frame;
    } catch (InvalidTypeIdException e) {
      if (e.getTypeId() == null) {
        throw new ProtocolException(ErrorCode.BAD_FRAME, "Missing field 'type'.");
      }
      throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "Unknown frame type '" + e.getTypeId() + "'.");
    } catch (ValueInstantiationException e) {
      if (e.getCause() instanceof ProtocolException pe) {
        throw pe;
      }
      throw new ProtocolException(ErrorCode.BAD_FRAME, "Invalid frame: " + e.getOriginalMessage());
    } catch (MismatchedInputException e) {
      String field = fieldPath(e);
      JsonNode value = field.isEmpty() || field.contains(".") ? null : tree.get(field);
      if (value != null && value.isNumber() && !value.isIntegralNumber()) {
        throw new ProtocolException(ErrorCode.BAD_FRAME, "Field '" + field + "' must be an integer.");
      }
      throw new ProtocolException(
          ErrorCode.BAD_FRAME,
          field.isEmpty() ? "The frame is not a JSON object of the expected shape." : "Field '" + field + "' has the wrong type.");
    } catch (JsonMappingException e) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "Invalid frame: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "Malformed JSON: " + e.getOriginalMessage());
    }
  }

  private static String fieldPath(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) path.append('.');
        path.append(ref.getFieldName());
      }
    }
    return path.toString();
  }
}
