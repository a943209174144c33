package peerlink.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of a LevelDB store's table files a read that failed was in. LevelDB reports a damaged block ("block
 * checksum mismatch") without naming its file; its {@code leveldb.sstables} property lists every table with
 * the range of keys it holds, so the tables whose range goes beyond the last key read are the ones the read
 * was in. An operator then knows which file to look at (or restore).
 */
final class TableRanges {
  /** One table in the property: " 5:123456['smallest' @ 1 : 1 .. 'largest' @ 9 : 1]". */
  private static final Pattern TABLE = Pattern.compile("^\\s*(\\d+):\\d+\\['(.*)' @ \\d+ : \\d+ \\.\\. '(.*)' @ \\d+ : \\d+\\]$");

  private TableRanges() {}

  /**
   * A clause naming the table files that hold keys after {@code lastKey} (all of them when nothing was read
   * yet), or an empty string when the property says nothing usable.
   */
  static String after(String sstables, byte[] lastKey, Path directory) {
    if (sstables == null) {
      return "";
    }
    List<String> files = new ArrayList<>();
    for (String line : sstables.split("\n")) {
      Matcher table = TABLE.matcher(line);
      if (table.matches() && (lastKey == null || Arrays.compareUnsigned(unescape(table.group(3)), lastKey) > 0)) {
        files.add(fileName(directory, Long.parseLong(table.group(1))));
      }
    }
    if (files.isEmpty()) {
      return "";
    }
    return files.size() == 1
        ? " (in the table file " + files.get(0) + ", which holds the keys after the last one read)"
        : " (in one of the table files " + String.join(", ", files) + ", which hold the keys after the last one read)";
  }

  /** LevelDB's EscapeString: printable ASCII as it is, any other byte as \\xNN. */
  static byte[] unescape(String escaped) {
    byte[] out = new byte[escaped.length()];
    int n = 0;
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == '\\' && i + 3 < escaped.length() && escaped.charAt(i + 1) == 'x' && isHex(escaped, i + 2) && isHex(escaped, i + 3)) {
        out[n++] = (byte) Integer.parseInt(escaped.substring(i + 2, i + 4), 16);
        i += 3;
      } else {
        out[n++] = (byte) c;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static boolean isHex(String text, int at) {
    return at < text.length() && Character.digit(text.charAt(at), 16) >= 0;
  }

  /** LevelDB names tables NNNNNN.ldb, or NNNNNN.sst in older versions. */
  private static String fileName(Path directory, long number) {
    String ldb = String.format("%06d.ldb", number);
    return Files.exists(directory.resolve(ldb)) ? ldb : String.format("%06d.sst", number);
  }
}
