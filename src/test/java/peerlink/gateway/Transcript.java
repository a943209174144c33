package peerlink.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code transcript} blocks of docs/protocol.md: parsing them, and matching server frames against
 * their expected JSON. The format is described in the "Examples" section of that document.
 */
record Transcript(String title, int line, List<Step> steps, List<String> settings) {

  /** A comment line {@code # setting: KEY = VALUE} sets a node setting (HOCON) for the router of its block. */
  private static final String SETTING = "setting:";

  enum Action { SEND, EXPECT, EXPECT_CLOSED, DISCONNECT }

  /** One line: a connection name, what happens on it, and the JSON text (for SEND and EXPECT). */
  record Step(int line, String connection, Action action, String text) {}

  private static final Pattern STEP = Pattern.compile("([A-Za-z][A-Za-z0-9_]*) (?:([<>]) (.+)|(disconnects))");

  /** Every block fenced as {@code ```transcript} in the markdown text, in document order. */
  static List<Transcript> parse(List<String> markdown) {
    List<Transcript> blocks = new ArrayList<>();
    for (int i = 0; i < markdown.size(); i++) {
      if (!markdown.get(i).strip().equals("```transcript")) continue;
      int start = i + 1;
      String title = null;
      List<Step> steps = new ArrayList<>();
      List<String> settings = new ArrayList<>();
      for (i = start; i < markdown.size() && !markdown.get(i).strip().equals("```"); i++) {
        String text = markdown.get(i).strip();
        if (text.startsWith("#")) {
          String comment = text.substring(1).strip();
          if (comment.startsWith(SETTING)) {
            settings.add(comment.substring(SETTING.length()).strip());
          } else if (title == null) {
            title = comment;
          }
        } else if (!text.isEmpty()) {
          steps.add(step(i + 1, text));
        }
      }
      if (i == markdown.size()) throw new IllegalArgumentException("line " + start + ": unclosed transcript block");
      blocks.add(new Transcript(title == null ? "transcript at line " + start : title, start, steps, settings));
    }
    return blocks;
  }

  private static Step step(int line, String text) {
    Matcher m = STEP.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("line " + line + ": not a transcript line: " + text);
    }
    if (m.group(4) != null) return new Step(line, m.group(1), Action.DISCONNECT, null);
    if (m.group(2).equals(">")) return new Step(line, m.group(1), Action.SEND, m.group(3));
    if (m.group(3).equals("CLOSED")) return new Step(line, m.group(1), Action.EXPECT_CLOSED, null);
    return new Step(line, m.group(1), Action.EXPECT, m.group(3));
  }

  /**
   * Null if {@code actual} matches {@code expected}, else where it differs. Matching is exact (same fields,
   * same array lengths, equal values) except for these expected string values: {@code "*"} matches any
   * value, {@code "$NUMBER"} any number, and a string ending in {@code *} any string with that prefix.
   */
  static String mismatch(JsonNode expected, JsonNode actual, String path) {
    if (expected.isTextual()) {
      String e = expected.asText();
      if (e.equals("*")) return null;
      if (e.equals("$NUMBER")) return actual.isNumber() ? null : path + ": expected a number, got " + actual;
      if (e.endsWith("*") && actual.isTextual() && actual.asText().startsWith(e.substring(0, e.length() - 1))) {
        return null;
      }
    }
    if (expected.isObject() && actual.isObject()) {
      TreeSet<String> names = new TreeSet<>();
      expected.fieldNames().forEachRemaining(names::add);
      actual.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (!expected.has(name)) return path + "." + name + ": unexpected field (value " + actual.get(name) + ")";
        if (!actual.has(name)) return path + "." + name + ": missing";
        String inner = mismatch(expected.get(name), actual.get(name), path + "." + name);
        if (inner != null) return inner;
      }
      return null;
    }
    if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
      Iterator<JsonNode> a = actual.elements();
      int index = 0;
      for (JsonNode e : expected) {
        String inner = mismatch(e, a.next(), path + "[" + index++ + "]");
        if (inner != null) return inner;
      }
      return null;
    }
    boolean equal =
        expected.isNumber() && actual.isNumber()
            ? expected.decimalValue().compareTo(actual.decimalValue()) == 0
            : expected.equals(actual);
    return equal ? null : path + ": expected " + expected + ", got " + actual;
  }

  /** Replaces every {@code $NAME(arg,...)} in {@code text} with what the placeholder NAME makes of its args. */
  static String expand(String text, Map<String, Function<String[], String>> placeholders) {
    Matcher m = Pattern.compile("\\$([A-Z]+)\\(([^)]*)\\)").matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      var placeholder = placeholders.get(m.group(1));
      if (placeholder == null) throw new IllegalArgumentException("unknown placeholder $" + m.group(1));
      String[] args = m.group(2).split(",");
      for (int i = 0; i < args.length; i++) args[i] = args[i].strip();
      m.appendReplacement(out, Matcher.quoteReplacement(placeholder.apply(args)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
