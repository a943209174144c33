package peerlink.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One line of results. Always has {@code scenario, deployment, offeredRate, deliveredRate, p50Ms, p99Ms,
 * maxMs, lost, dup, pass}; scenarios add their own fields (reordered, label, trial, rssMiB, ...).
 */
final class ResultRow {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  ResultRow(String scenario, String deployment, String label) {
    fields.put("scenario", scenario);
    fields.put("deployment", deployment);
    fields.put("label", label);
    fields.put("offeredRate", 0.0);
    fields.put("deliveredRate", 0.0);
    fields.put("p50Ms", 0.0);
    fields.put("p99Ms", 0.0);
    fields.put("maxMs", 0.0);
    fields.put("lost", 0L);
    fields.put("dup", 0L);
    fields.put("pass", false);
  }

  ResultRow rates(double offered, double delivered) {
    fields.put("offeredRate", round(offered, 1));
    fields.put("deliveredRate", round(delivered, 1));
    return this;
  }

  ResultRow latencies(Histogram histogram) {
    return latencies(Step.millis(histogram, 50), Step.millis(histogram, 99), Step.maxMillis(histogram));
  }

  ResultRow latencies(double p50, double p99, double max) {
    fields.put("p50Ms", round(p50, 2));
    fields.put("p99Ms", round(p99, 2));
    fields.put("maxMs", round(max, 2));
    return this;
  }

  ResultRow losses(long lost, long dup) {
    fields.put("lost", lost);
    fields.put("dup", dup);
    return this;
  }

  ResultRow pass(boolean pass) {
    fields.put("pass", pass);
    return this;
  }

  /** An extra field (null removes it); doubles are rounded to two decimals. */
  ResultRow put(String name, Object value) {
    if (value == null) {
      fields.remove(name);
      return this;
    }
    fields.put(name, value instanceof Double d ? round(d, 2) : value);
    return this;
  }

  Object get(String name) {
    return fields.get(name);
  }

  boolean passed() {
    return Boolean.TRUE.equals(fields.get("pass"));
  }

  Map<String, Object> fields() {
    return fields;
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
