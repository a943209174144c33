package peerlink.router;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What lets the registry know a send is new without looking its client id up in the store: one prefix of a
 * sender's client ids and the highest number it has sent with it.
 *
 * <p>Why: every send must be checked against the sender's last 10,000 client ids, which the store keeps
 * (docs/protocol.md §6); looking each one up cost the registry's one thread a LevelDB read that finds nothing,
 * and LevelDB compacts files that such reads search in vain (measured: about a tenth of the primary's CPU,
 * docs/performance.md). Both client libraries make their ids as {@code PREFIX-N}: a prefix random to each
 * client instance and a counter. An id {@code P-N} with the run's prefix and an N above the run's highest
 * cannot have been sent, so it is new.
 *
 * <p>That holds because a run is made only when every earlier id with its prefix is known (none in the store,
 * or few enough to read, and those of the batch being decided; see Decisions), and every later accepted send is
 * counted into it, journaled with the event that accepts it ({@code MessageAccepted.run}): a replay and a new
 * primary have the same run. An id of any other form, or another prefix, is looked up as before; a send that
 * is not accepted changes nothing. The prefix is kept as 64 bits of its SHA-256: two prefixes of one sender
 * would have to collide for a resent id to be taken as new.
 *
 * @param prefix the prefix's hash
 * @param highest the highest number sent with it
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY) // journaled with every send: [prefix, highest], without field names
public record SendRun(long prefix, long highest) {
  /** Numbers up to 18 digits, which a long holds. */
  private static final int MAX_DIGITS = 18;

  /** A client id of the form {@code PREFIX-N}: its prefix's hash and N; null for any other form. */
  record Parsed(long prefix, long number, String prefixText) {}

  static Parsed parse(String clientId) {
    int dash = clientId.lastIndexOf('-');
    long number = dash <= 0 ? -1 : digitsFrom(clientId, dash + 1);
    if (number < 0) {
      return null;
    }
    String prefix = clientId.substring(0, dash);
    return new Parsed(hash(prefix), number, prefix);
  }

  /** The number the characters of {@code text} from {@code start} on write, when they are 1 to 18 digits; else -1. */
  private static long digitsFrom(String text, int start) {
    int digits = text.length() - start;
    if (digits < 1 || digits > MAX_DIGITS) {
      return -1;
    }
    long number = 0;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      number = number * 10 + (c - '0');
    }
    return number;
  }

  /** N when {@code clientId} is {@code prefix-N} (N of at most 18 digits), else -1. */
  static long numberWithPrefix(String clientId, String prefix) {
    if (clientId.length() <= prefix.length() + 1 || !clientId.startsWith(prefix) || clientId.charAt(prefix.length()) != '-') {
      return -1;
    }
    return digitsFrom(clientId, prefix.length() + 1);
  }

  /** Whether {@code id} is certainly new for the sender whose run this is. */
  boolean provesNew(Parsed id) {
    return id != null && id.prefix() == prefix && id.number() > highest;
  }

  /** The run after an accepted send with this run's prefix. */
  SendRun after(Parsed id) {
    return id.number() > highest ? new SendRun(prefix, id.number()) : this;
  }

  /** One digest per thread (the registry decides on one): looking the algorithm up for every send costs more than the hash. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  });

  private static long hash(String prefix) {
    return ByteBuffer.wrap(SHA_256.get().digest(prefix.getBytes(StandardCharsets.UTF_8))).getLong();
  }
}
