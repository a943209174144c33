package peerlink.bench;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A reading of the deployment's write path from the nodes' {@code /status} (on their operations ports): how many store writes the
 * primary has made, and the cumulative timings of its stages (primary) and of the backup's store. Two
 * readings around a step say how the step's sends were grouped and where each write's time went.
 */
record WritePath(long writes, JsonNode primaryTimings, JsonNode backupTimings) {
  static final WritePath UNKNOWN = new WritePath(-1, null, null);

  static WritePath read(JsonNode primaryStatus, JsonNode backupStatus) {
    if (primaryStatus == null) {
      return UNKNOWN;
    }
    return new WritePath(
        primaryStatus.path("store").path("writeId").asLong(-1),
        primaryStatus.path("timings"),
        backupStatus == null ? null : backupStatus.path("timings"));
  }

  /** Store writes between {@code before} and this reading; -1 if either is unknown. */
  long writesSince(WritePath before) {
    return before.writes < 0 || writes < 0 ? -1 : writes - before.writes;
  }

  /**
   * Adds the interval's fields to a row: {@code storeWrites}, {@code sendsPerWrite}, and the mean
   * milliseconds per write of each stage: {@code batchMs} (router: a batch handed to the registry until
   * its outcome is back), {@code writeMs} (a replicated write from the journal's call until every in-sync
   * store has it), {@code localAckMs} and {@code backupAckMs} (sent until the primary's own store, or the
   * backup, acknowledged), {@code backupApplyMs} (the backup's synced LevelDB write).
   */
  void addTo(ResultRow row, WritePath before, long sends) {
    long n = writesSince(before);
    row.put("storeWrites", n >= 0 ? n : null)
        .put("sendsPerWrite", n > 0 ? (double) sends / n : null)
        .put("batchMs", mean(before.primaryTimings, primaryTimings, "router.batch"))
        .put("writeMs", mean(before.primaryTimings, primaryTimings, "replication.write"))
        .put("localAckMs", mean(before.primaryTimings, primaryTimings, "replication.localAck"))
        .put("backupAckMs", mean(before.primaryTimings, primaryTimings, "replication.backupAck"))
        .put("backupApplyMs", mean(before.backupTimings, backupTimings, "store.apply"));
  }

  private static Double mean(JsonNode before, JsonNode after, String stage) {
    if (before == null || after == null) {
      return null;
    }
    long count = after.path(stage).path("count").asLong() - before.path(stage).path("count").asLong();
    long nanos = after.path(stage).path("totalNanos").asLong() - before.path(stage).path("totalNanos").asLong();
    return count <= 0 ? null : nanos / 1e6 / count;
  }
}
