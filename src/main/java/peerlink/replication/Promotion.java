package peerlink.replication;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import peerlink.storage.StorePosition;

/**
 * This node's way to becoming the primary while it is not: the recoveries waiting for it, whether a
 * request is under way, the last refusal (logged once), the store it copied last to catch up (named in its
 * next request to the rm), and, for a new (empty) store with no rm up, whether it may start a deployment
 * alone. Why that last rule: a node whose store was lost must not start an empty history while the
 * deployment's data lives on elsewhere, so it waits for the rm while other nodes are around. A plain
 * class owned by {@link ReplicationLeader}, which asks the rm and fences the local replica; it takes the
 * time as an argument.
 */
final class Promotion {
  private final List<CompletableFuture<Void>> waiting = new ArrayList<>();
  private final Duration freshStoreAloneAfter;
  private final List<String> otherSeeds;
  private final long startedNanos;
  // Seeds whose cluster port accepted a connection while this node's store was new: others of the deployment run.
  private List<String> seedsListening = List.of();
  private boolean probingSeeds;
  private boolean promoting;
  private String lastRefusal;
  // The store this node copied last while not primary (its id and the copy's position), named in its next Promote.
  private String copiedFrom;
  private StorePosition copiedAt;
  private long copyRefusedAtNanos;

  /**
   * @param freshStoreAloneAfter how long a new store waits for the rm or another router node before it starts alone (zero: never waits)
   * @param otherSeeds the seeds of the deployment other than this node, probed while the store is new
   */
  Promotion(Duration freshStoreAloneAfter, List<String> otherSeeds, long startedNanos) {
    this.freshStoreAloneAfter = freshStoreAloneAfter;
    this.otherSeeds = otherSeeds;
    this.startedNanos = startedNanos;
  }

  /** A recovery waits for the promotion; true when a request must start (none is under way). */
  boolean await(CompletableFuture<Void> done) {
    waiting.add(done);
    return !promoting;
  }

  /** A request starts. */
  void requesting() {
    promoting = true;
  }

  /** The request ended (granted and fenced, or failed). */
  void ended() {
    promoting = false;
  }

  /**
   * A new (empty) store with no rm up: it may be a node whose store was lost while the deployment's data
   * lives on elsewhere. Start a new history alone only when no other router node and no rm appeared for
   * {@code fresh-store-alone-after}; otherwise the rm decides. Returns why it waits, or null to start alone.
   */
  String whyFreshStoreWaits(boolean othersAreMembers, long nowNanos) {
    long waited = Duration.ofNanos(nowNanos - startedNanos).toSeconds();
    if (othersAreMembers) {
      return "waiting for the replication manager: this store is new (empty), and other router nodes are members whose stores may hold "
          + "the deployment's data";
    } else if (!seedsListening.isEmpty() && !freshStoreAloneAfter.isZero()) {
      return "waiting for the replication manager: this store is new (empty), and nodes of the deployment run at " + seedsListening
          + " (their cluster ports answer); their stores may hold the deployment's data";
    } else if (waited < freshStoreAloneAfter.toSeconds()) {
      return "this store is new (empty): waiting up to " + freshStoreAloneAfter.toSeconds() + " s for the replication manager or another "
          + "router node before starting a new deployment alone (peerlink.replication.fresh-store-alone-after)";
    }
    return null;
  }

  Duration freshStoreAloneAfter() {
    return freshStoreAloneAfter;
  }

  /** Not promoted, for {@code reason}; true when it differs from the last one (worth a log line). Then {@link #failWaiting}. */
  boolean refuse(String reason) {
    promoting = false;
    boolean changed = !reason.equals(lastRefusal);
    lastRefusal = reason;
    return changed;
  }

  /** Every waiting recovery fails, for {@code reason}. */
  void failWaiting(String reason) {
    IllegalStateException failure = new IllegalStateException("not the primary: " + reason);
    waiting.forEach(f -> f.completeExceptionally(failure));
    waiting.clear();
  }

  /** Promoted: the refusals and the copy it caught up with are history. */
  void promoted() {
    lastRefusal = null;
    copiedFrom = null;
    copiedAt = null;
  }

  /** Every waiting recovery may go on. */
  void releaseWaiting() {
    waiting.forEach(f -> f.complete(null));
    waiting.clear();
  }

  // ---- catching up before asking again

  /** This node installed a copy of {@code sourceStore} at {@code position}, which it names when it asks again. */
  void copied(String sourceStore, StorePosition position) {
    copiedFrom = sourceStore;
    copiedAt = position;
    copyRefusedAtNanos = 0;
  }

  String copiedFrom() {
    return copiedFrom;
  }

  StorePosition copiedAt() {
    return copiedAt;
  }

  /** This node's store refused the copy it asked for (it holds acknowledged writes the copy lacks). */
  void copyRefused(long nowNanos) {
    copyRefusedAtNanos = nowNanos;
  }

  /** Whether the last copy was refused recently (within {@code waitNanos}): then it is not asked for at every retry. */
  boolean copyRefusedWithin(long nowNanos, long waitNanos) {
    return copyRefusedAtNanos != 0 && nowNanos - copyRefusedAtNanos < waitNanos;
  }

  // ---- other nodes of the deployment at the seeds

  /**
   * Whether to probe the seeds now: while this node's store is new and nothing was decided, and no probe is
   * under way. True starts a probe.
   */
  boolean startProbe(BooleanSupplier storeIsNew) {
    if (!probingSeeds && !otherSeeds.isEmpty() && !freshStoreAloneAfter.isZero() && storeIsNew.getAsBoolean()) {
      probingSeeds = true;
      return true;
    }
    return false;
  }

  List<String> otherSeeds() {
    return otherSeeds;
  }

  /** A probe found these seeds listening; true when they are the first found (worth a log line). */
  boolean probed(List<String> listening) {
    probingSeeds = false;
    boolean first = !listening.isEmpty() && seedsListening.isEmpty();
    if (!listening.isEmpty()) {
      seedsListening = listening;
    }
    return first;
  }
}
