package peerlink.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * How much of the client protocol one message between two cluster nodes may carry: the router (on the
 * primary) reaches the sessions of every other node through Pekko's remote transport, which drops any
 * message bigger than its frame ({@code pekko.remote.artery.advanced.maximum-frame-size}, 256 KiB by
 * default), and every retry with it. So pushes travel in pages and long replies in parts, each under a
 * fixed bound, whatever a peer's backlog or the number of groups.
 *
 * <p>Sizes are counted in characters ("weight"), not bytes: {@code String.length()} costs nothing, while
 * counting UTF-8 bytes would read every body again on the router, which decides for the whole cluster.
 * A character takes at most 3 bytes of UTF-8 (a pair of surrogates takes 4), so a page of weight w is at
 * most 3w bytes of strings, plus a fixed overhead per frame that the weight includes.
 */
public final class PageLimits {
  /**
   * Most weight in one page or part: 3 x 64 Ki characters = 192 KiB at worst, under Artery's default frame
   * of 256 KiB with room for the envelope. A page always holds at least one push, and one push alone is at
   * most a maximal message body plus {@link #FRAME_OVERHEAD} and its names.
   */
  public static final int MAX_WEIGHT = 64 * 1024;
  /** Most pushes in one page: the default push window, so that one page never asks a client for more. */
  public static final int MAX_PUSHES = 1000;
  /**
   * Most names in one page of {@code groups} or {@code members} (and the default page): the default limit
   * of members per group, so that a client which does not page (it ignores {@code next}) still gets every
   * member of a group. A page over {@link #MAX_WEIGHT} still travels, in parts.
   */
  public static final int MAX_LIST = 1000;
  /** Weight of the fields of a frame besides its strings (type, field names, numbers), as characters. */
  static final int FRAME_OVERHEAD = 64;
  /** Room for the message around a page or part (class name, actor reference, list headers), in bytes. */
  static final int ENVELOPE_BYTES = 8 * 1024;

  private PageLimits() {}

  /**
   * The weight of a frame between nodes: its strings' lengths plus a fixed overhead. Cheap for the frames
   * of the hot path (a push, an ok); proportional to the list for the frames that carry one.
   */
  public static int weight(ServerFrame frame) {
    if (frame instanceof ServerFrame.Message m) {
      return messageWeight(m.body().length(), m.msgId(), m.from(), m.to(), m.group());
    } else if (frame instanceof ServerFrame.Delivered d) {
      return d.msgId().length() + d.recipient().length() + FRAME_OVERHEAD;
    } else if (frame instanceof ServerFrame.Expired x) {
      return x.msgId().length() + x.recipient().length() + FRAME_OVERHEAD;
    } else if (frame instanceof ServerFrame.GroupList g) {
      int weight = length(g.id()) + length(g.next()) + FRAME_OVERHEAD;
      for (ServerFrame.GroupInfo group : g.groups()) {
        weight += group.name().length() + FRAME_OVERHEAD / 2;
      }
      return weight;
    } else if (frame instanceof ServerFrame.MemberList m) {
      return length(m.id()) + length(m.group()) + length(m.next()) + length(m.owner()) + total(m.members()) + FRAME_OVERHEAD;
    } else if (frame instanceof ServerFrame.MessageStatus s) {
      return length(s.id()) + length(s.msgId()) + total(s.recipients()) + total(s.delivered()) + rejections(s.rejected()) + (s.expired() == null ? 0 : total(s.expired())) + FRAME_OVERHEAD;
    } else if (frame instanceof ServerFrame.Ok ok) {
      return length(ok.id()) + length(ok.peer()) + length(ok.msgId()) + rejections(ok.rejected()) + FRAME_OVERHEAD;
    } else if (frame instanceof ServerFrame.Error e) {
      return length(e.id()) + length(e.message()) + FRAME_OVERHEAD;
    } else if (frame instanceof ServerFrame.Welcome w) {
      return w.nonce().length() + w.server().length() + FRAME_OVERHEAD;
    }
    throw new IllegalArgumentException("unknown frame " + frame.getClass());
  }

  /**
   * The weight of a message push whose body has {@code bodyChars} characters (or an upper bound of them, such as
   * its UTF-8 length, for a body not at hand): {@link #weight} of the push, without the push.
   */
  public static int messageWeight(int bodyChars, String msgId, String from, String to, String group) {
    return bodyChars + msgId.length() + from.length() + to.length() + length(group) + FRAME_OVERHEAD;
  }

  /** Whether a page or part of this weight fits in one message between nodes. */
  public static boolean fits(long weight) {
    return weight <= MAX_WEIGHT;
  }

  /**
   * Whether a page already holding {@code count} items of {@code weight} may take one more of {@code next}:
   * always when it is empty (so that every page makes progress), else while both bounds hold.
   */
  public static boolean roomFor(int count, long weight, int next) {
    return count == 0 || (count < MAX_PUSHES && weight + next <= MAX_WEIGHT);
  }

  /** {@code items} cut, in order, into pages under both bounds; one page (the list itself) when they fit. */
  public static <T> List<List<T>> pages(List<T> items, ToIntFunction<T> weightOf) {
    List<List<T>> pages = new ArrayList<>(1);
    List<T> page = new ArrayList<>();
    long weight = 0;
    for (T item : items) {
      int next = weightOf.applyAsInt(item);
      if (!roomFor(page.size(), weight, next)) {
        pages.add(page);
        page = new ArrayList<>();
        weight = 0;
      }
      page.add(item);
      weight += next;
    }
    if (pages.isEmpty()) {
      return List.of(items); // the common case: no copy
    }
    pages.add(page);
    return pages;
  }

  /** {@code text} cut into parts of at most {@link #MAX_WEIGHT} characters (a surrogate pair is never split). */
  public static List<String> parts(String text) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = Math.min(text.length(), start + MAX_WEIGHT);
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;
      }
      parts.add(text.substring(start, end));
      start = end;
    }
    return parts;
  }

  /**
   * The smallest frame size of the remote transport that carries every message between nodes: a page (3
   * bytes per character at worst), or a client's request or push with one maximal message body and at most
   * four other fields of {@link Limits#MAX_FIELD_LENGTH}, plus the envelope.
   */
  public static long requiredFrameBytes(int maxMessageBytes) {
    long page = 3L * MAX_WEIGHT;
    long oneMessage = maxMessageBytes + 3L * (4 * Limits.MAX_FIELD_LENGTH + FRAME_OVERHEAD);
    return Math.max(page, oneMessage) + ENVELOPE_BYTES;
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }

  private static int rejections(List<ServerFrame.Rejection> rejected) {
    int total = 0;
    if (rejected != null) {
      for (ServerFrame.Rejection r : rejected) {
        total += r.peer().length() + r.code().length() + r.message().length() + FRAME_OVERHEAD / 2;
      }
    }
    return total;
  }

  private static int total(List<String> names) {
    if (names == null) {
      return 0;
    }
    int total = 0;
    for (String name : names) {
      total += name.length() + 4;
    }
    return total;
  }
}
