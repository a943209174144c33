package peerlink.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Prints result rows: an aligned table for people, or one JSON object per line with {@code --json}. */
final class ResultTable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] COLUMNS = {"scenario", "deployment", "label", "offeredRate", "deliveredRate", "p50Ms", "p99Ms", "maxMs", "lost", "dup", "reordered", "pass"};
  private static final String[] HEADERS = {"scenario", "deploy", "step", "offered/s", "delivered/s", "p50 ms", "p99 ms", "max ms", "lost", "dup", "reord", "pass"};
  private static final Set<String> SHOWN = Set.of(COLUMNS);

  private ResultTable() {}

  static void json(List<ResultRow> rows, PrintStream out) {
    for (ResultRow row : rows) {
      try {
        out.println(JSON.writeValueAsString(row.fields()));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    out.flush();
  }

  static void table(List<ResultRow> rows, PrintStream out) {
    List<String[]> cells = new ArrayList<>();
    String[] header = java.util.Arrays.copyOf(HEADERS, HEADERS.length + 1);
    header[HEADERS.length] = "";
    cells.add(header);
    for (ResultRow row : rows) {
      String[] line = new String[COLUMNS.length + 1];
      for (int i = 0; i < COLUMNS.length; i++) {
        line[i] = format(row.get(COLUMNS[i]));
      }
      line[COLUMNS.length] = extras(row.fields());
      cells.add(line);
    }
    int[] widths = new int[COLUMNS.length];
    for (String[] line : cells) {
      for (int i = 0; i < COLUMNS.length; i++) {
        widths[i] = Math.max(widths[i], line[i] == null ? 0 : line[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] line : cells) {
      for (int i = 0; i < COLUMNS.length; i++) {
        String cell = line[i] == null ? "" : line[i];
        boolean left = i < 3;
        text.append(left ? pad(cell, widths[i], true) : pad(cell, widths[i], false)).append("  ");
      }
      if (line.length > COLUMNS.length && line[COLUMNS.length] != null) {
        text.append(line[COLUMNS.length]);
      }
      text.append(System.lineSeparator());
    }
    out.print(text);
    out.flush();
  }

  private static String extras(Map<String, Object> fields) {
    StringBuilder text = new StringBuilder();
    fields.forEach(
        (name, value) -> {
          if (!SHOWN.contains(name)) {
            text.append(text.length() == 0 ? "" : " ").append(name).append('=').append(format(value));
          }
        });
    return text.toString();
  }

  private static String format(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof Double d) {
      double a = Math.abs(d);
      return a >= 100 ? String.format("%,.0f", d) : a >= 10 ? String.format("%.1f", d) : String.format("%.2f", d);
    }
    if (value instanceof Boolean b) {
      return b ? "PASS" : "fail";
    }
    return value.toString();
  }

  private static String pad(String text, int width, boolean left) {
    if (text.length() >= width) {
      return text;
    }
    String spaces = " ".repeat(width - text.length());
    return left ? text + spaces : spaces + text;
  }
}
