package peerlink.replication;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import peerlink.storage.InSyncRecord;
import peerlink.storage.StoreHistory;
import peerlink.storage.StorePosition;

/**
 * Who may become primary: the rm's rules as one pure function over its record and what the router
 * nodes' stores say of themselves. A store is trusted for what it holds (its id, lineage and position),
 * never for the address it is reached at: a node whose store was lost comes back at the same address
 * with an empty one. See docs/replication.md §3.
 */
public final class PromotionRules {
  private PromotionRules() {}

  /** The outcome for one request. */
  public sealed interface Decision {}

  /**
   * Become primary at {@code epoch}; {@code lineage} is set when the store is new and starts a history.
   * {@code again}: the same grant as the one recorded, whose answer never reached the node (nothing new to record).
   */
  public record Grant(long epoch, String lineage, String reason, boolean again) implements Decision {
    Grant(long epoch, String lineage, String reason) {
      this(epoch, lineage, reason, false);
    }
  }

  /** Not now: {@code reason} says why and what would change it; {@code copyFrom} holds what this store lacks. */
  public record Deny(String reason, List<String> copyFrom) implements Decision {}

  /**
   * @param rm          the rm's durable record
   * @param node        the address of the node asking
   * @param store       what its store holds
   * @param copiedFrom  the id of the store it copied last (null if none), at {@code copiedAt}
   * @param known       the latest report of every router node's store, by address (the asker's included)
   * @param routersUp   the router nodes that are members now: with no record, the rm hears from each first
   * @param acceptLoss  the operator's explicit {@code --accept-data-loss}: grant the most advanced store
   *                    that is here even when newer data may exist elsewhere, saying what may be lost
   * @param newLineage  makes a lineage for a deployment's first store
   */
  public static Decision decide(RmState rm, String node, StoreInfo store, String copiedFrom, StorePosition copiedAt,
      Map<String, StoreInfo> known, Set<String> routersUp, boolean acceptLoss, Supplier<String> newLineage) {
    Decision normal;
    if (rm.trustworthy()) {
      normal = byRecord(rm, node, store, copiedFrom, copiedAt, known);
    } else {
      List<String> silent = routersUp.stream().filter(r -> !r.equals(node) && !known.containsKey(r)).sorted().toList();
      normal = silent.isEmpty()
          ? byStores(rm, node, store, known, newLineage)
          : new Deny("this rm has no record of the deployment yet, and waits for what the stores of " + silent + " hold", List.of());
    }
    if (normal instanceof Deny denied && acceptLoss) {
      return forced(rm, node, store, known, denied, newLineage);
    }
    return normal;
  }

  /** The rm's record names the in-sync stores and the acknowledged position: only such a store may lead. */
  private static Decision byRecord(RmState rm, String node, StoreInfo store, String copiedFrom, StorePosition copiedAt,
      Map<String, StoreInfo> known) {
    List<String> inSync = inSyncDescription(rm);
    List<String> copyFrom = rm.isr().stream().filter(n -> !n.equals(node)).toList();
    if (store.storeId().equals(rm.primaryStore()) && store.position().epoch() < rm.epoch()) {
      // This store was granted the current epoch, but never started it: the answer was lost (the ask timed
      // out while the rm recorded it). Nothing happened in between, so the same grant stands.
      return new Grant(rm.epoch(), store.history().empty() ? rm.lineage() : null, "granted again (the first answer was lost)", true);
    }
    if (store.history().empty()) {
      return new Deny("its store is new (empty), and the deployment's data is in the in-sync stores of epoch " + rm.epoch()
          + " " + inSync + ": it copies one of them first, and waits while none is up", copyFrom);
    }
    if (!rm.lineage().equals(store.lineage())) {
      return new Deny("its store holds another history (lineage " + StoreHistory.shortId(store.lineage()) + ") than this deployment's (lineage "
          + StoreHistory.shortId(rm.lineage()) + "): it waits for an in-sync store " + inSync
          + " (an rm data directory from another deployment must be moved away, see docs/replication.md)", copyFrom);
    }
    boolean inSyncStore = rm.isrStores().contains(store.storeId());
    boolean copiedInSync = copiedFrom != null && rm.isrStores().contains(copiedFrom) && copiedAt != null && copiedAt.epoch() == rm.epoch();
    if (!inSyncStore && !copiedInSync) {
      return new Deny("not in sync: its " + store.describe() + " is not one of the in-sync stores of epoch " + rm.epoch() + " " + inSync
          + "; it will catch up from one of them when one is back", copyFrom);
    }
    if (!store.holds(rm.acked())) {
      return new Deny("its " + store.describe() + " lacks acknowledged writes: writes up to " + rm.acked()
          + " were acknowledged (was the store restored from an older copy?); it waits for an in-sync store " + inSync, copyFrom);
    }
    String reason = inSyncStore
        ? (node.equals(rm.primary()) ? "restarted" : "took over from " + rm.primary())
        : "caught up from store " + StoreHistory.shortId(copiedFrom) + ", took over from " + rm.primary();
    return new Grant(nextEpoch(rm, store, known), null, reason);
  }

  /**
   * No record to judge by (a new rm, or one whose data directory was lost, or a record from before store
   * ids): trust no single store. Wait until every store of the in-sync set that the most advanced store
   * recorded has reported, then grant only the most advanced.
   */
  private static Decision byStores(RmState rm, String node, StoreInfo store, Map<String, StoreInfo> known, Supplier<String> newLineage) {
    List<Map.Entry<String, StoreInfo>> withData = known.entrySet().stream().filter(e -> !e.getValue().history().empty()).toList();
    if (withData.isEmpty()) {
      if (rm.primary() == null) {
        return store.history().empty()
            ? new Grant(nextEpoch(rm, store, known), newLineage.get(), "first primary of a new deployment")
            : new Grant(nextEpoch(rm, store, known), null, "first primary");
      }
      return new Deny("every store that reported is new (empty), but this rm recorded a deployment at epoch " + rm.epoch() + " (in sync: "
          + rm.isr() + "): its data is in none of them. Start a node that has it, or accept the loss explicitly with "
          + "'bin/peerlink rm --accept-data-loss'", List.of());
    }
    Set<String> lineages = new LinkedHashSet<>();
    withData.forEach(e -> lineages.add(e.getValue().lineage()));
    if (lineages.size() > 1) {
      return new Deny("the stores hold different histories " + describe(withData) + ": an operator must decide which one to keep "
          + "(docs/replication.md, 'Stores of different histories')", List.of());
    }
    Map.Entry<String, StoreInfo> best = mostAdvanced(withData, node);
    List<String> missing = missingInSyncStores(rm, best.getValue(), known);
    if (!missing.isEmpty()) {
      return new Deny("this rm has no record of the deployment (a new or lost rm data directory), so it trusts no store before it has heard "
          + "from every store of the last in-sync set; missing " + missing, List.of());
    }
    if (!best.getKey().equals(node) && !store.holds(best.getValue().position())) {
      return new Deny("the " + best.getValue().describe() + " on " + best.getKey() + " is more advanced than its " + store.describe()
          + ": it copies that store first", List.of(best.getKey()));
    }
    return new Grant(nextEpoch(rm, store, known), null, "the most advanced of the stores " + describe(withData) + " (the rm had no record)");
  }

  /** The stores of the in-sync set recorded in {@code best} (or, for an old record, its nodes) that have not said they hold data. */
  private static List<String> missingInSyncStores(RmState rm, StoreInfo best, Map<String, StoreInfo> known) {
    List<String> missing = new ArrayList<>();
    Set<String> reported = new LinkedHashSet<>();
    known.values().stream().filter(s -> !s.history().empty()).forEach(s -> reported.add(s.storeId()));
    for (InSyncRecord.Member member : best.inSync().members()) {
      if (!reported.contains(member.storeId())) {
        missing.add("store " + StoreHistory.shortId(member.storeId()) + " on " + member.address());
      }
    }
    if (best.inSync().members().isEmpty()) {
      for (String address : rm.isr()) { // a record from before store ids: its nodes must report a store with data
        StoreInfo there = known.get(address);
        if (there == null || there.history().empty()) {
          missing.add("the store on " + address + (there == null ? "" : " (it now reports a new, empty store)"));
        }
      }
    }
    return missing;
  }

  /** The operator accepted data loss: grant the most advanced store present, and say what may be lost. */
  private static Decision forced(RmState rm, String node, StoreInfo store, Map<String, StoreInfo> known, Deny denied, Supplier<String> newLineage) {
    List<Map.Entry<String, StoreInfo>> withData = known.entrySet().stream().filter(e -> !e.getValue().history().empty()).toList();
    if (!withData.isEmpty()) {
      Map.Entry<String, StoreInfo> best = mostAdvanced(withData, node);
      if (!best.getKey().equals(node) && !store.holds(best.getValue().position())) {
        return new Deny(denied.reason() + "; with --accept-data-loss the most advanced store present (" + best.getValue().describe() + " on "
            + best.getKey() + ") leads, so this node copies it first", List.of(best.getKey()));
      }
    }
    String loss = rm.trustworthy()
        ? "writes were acknowledged up to " + rm.acked() + " of lineage " + StoreHistory.shortId(rm.lineage()) + "; this " + store.describe()
            + (store.lineage() != null && store.lineage().equals(rm.lineage()) && store.holds(rm.acked()) ? " holds them" : " does not hold them all")
        : "the rm had no record, so what other stores held is unknown";
    return new Grant(nextEpoch(rm, store, known), store.history().empty() ? newLineage.get() : null,
        "FORCED by the operator (--accept-data-loss) although " + denied.reason() + "; " + loss);
  }

  private static Map.Entry<String, StoreInfo> mostAdvanced(List<Map.Entry<String, StoreInfo>> stores, String preferred) {
    Comparator<Map.Entry<String, StoreInfo>> byPosition = Comparator.comparing(e -> e.getValue().position());
    Comparator<Map.Entry<String, StoreInfo>> thenAsker = byPosition.thenComparing(e -> e.getKey().equals(preferred));
    return stores.stream().max(thenAsker).orElseThrow();
  }

  private static long nextEpoch(RmState rm, StoreInfo store, Map<String, StoreInfo> known) {
    long highest = Math.max(rm.epoch(), store.position().epoch());
    for (StoreInfo other : known.values()) {
      highest = Math.max(highest, other.position().epoch());
    }
    return highest + 1;
  }

  private static List<String> inSyncDescription(RmState rm) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < rm.isr().size(); i++) {
      String id = i < rm.isrStores().size() ? rm.isrStores().get(i) : null;
      out.add("store " + StoreHistory.shortId(id) + " on " + rm.isr().get(i));
    }
    return out;
  }

  private static String describe(List<Map.Entry<String, StoreInfo>> stores) {
    return stores.stream().map(e -> e.getValue().describe() + " on " + e.getKey()).toList().toString();
  }
}
