package peerlink.router;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bodies of the most recently accepted messages, up to a budget of characters, oldest evicted first:
 * most messages are pushed within seconds of being accepted (live, or in the page a returning peer asks for),
 * and reading those from the store would cost the registry's thread a LevelDB read each. Older bodies are read
 * from the store. Used by the registry's thread only.
 */
final class RecentBodies {
  private final long budgetChars;
  private final LinkedHashMap<Long, String> bodies = new LinkedHashMap<>();
  private long chars;

  RecentBodies(long budgetChars) {
    this.budgetChars = budgetChars;
  }

  void remember(long number, String body) {
    if (body.length() > budgetChars) {
      return;
    }
    String replaced = bodies.put(number, body);
    chars += body.length() - (replaced == null ? 0 : replaced.length());
    Iterator<Map.Entry<Long, String>> oldest = bodies.entrySet().iterator();
    while (chars > budgetChars && oldest.hasNext()) {
      chars -= oldest.next().getValue().length();
      oldest.remove();
    }
  }

  void forget(long number) {
    String gone = bodies.remove(number);
    if (gone != null) {
      chars -= gone.length();
    }
  }

  /** The body, when it is still here; else null. */
  String get(long number) {
    return bodies.get(number);
  }

  long chars() {
    return chars;
  }
}
