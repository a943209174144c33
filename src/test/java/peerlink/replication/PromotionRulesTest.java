package peerlink.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static peerlink.replication.Stores.A;
import static peerlink.replication.Stores.B;
import static peerlink.replication.Stores.C;
import static peerlink.replication.Stores.LINEAGE;
import static peerlink.replication.Stores.at;
import static peerlink.replication.Stores.fresh;
import static peerlink.replication.Stores.member;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import peerlink.storage.StorePosition;

/**
 * Who may become primary (issue 19): the rm trusts a store for what it holds, never an address. Each test
 * states the rm's record and what the stores report, and the decision for one request.
 */
class PromotionRulesTest {
  /** The record of a deployment of {@link Stores#LINEAGE} at epoch 3: A primary, A and B in sync, writes acknowledged up to 3/500. */
  private static final RmState RECORD = new RmState(3, A, List.of(A, B), List.of(), "sa", List.of("sa", "sb"), LINEAGE, new StorePosition(3, 500));

  private static PromotionRules.Decision decide(RmState rm, String node, StoreInfo store, Map<String, StoreInfo> others, boolean acceptLoss) {
    Map<String, StoreInfo> known = new HashMap<>(others);
    known.put(node, store);
    return PromotionRules.decide(rm, node, store, null, null, known, Set.of(), acceptLoss, () -> "new-lineage");
  }

  private static PromotionRules.Decision decide(RmState rm, String node, StoreInfo store) {
    return decide(rm, node, store, Map.of(), false);
  }

  private static String denied(PromotionRules.Decision decision) {
    return assertInstanceOf(PromotionRules.Deny.class, decision, "denied").reason();
  }

  // ---- with the rm's record

  @Test
  void aNewRmGivesANewStoreTheFirstEpochOfANewHistory() {
    PromotionRules.Grant grant = assertInstanceOf(PromotionRules.Grant.class, decide(RmState.empty(), A, fresh("sa")));

    assertEquals(1, grant.epoch());
    assertEquals("new-lineage", grant.lineage());
  }

  @Test
  void anInSyncStoreThatHoldsTheAcknowledgedWritesIsGrantedTheNextEpoch() {
    PromotionRules.Grant grant = assertInstanceOf(PromotionRules.Grant.class, decide(RECORD, B, at("sb", LINEAGE, 3, 501)));

    assertEquals(4, grant.epoch());
    assertNull(grant.lineage(), "the store keeps its history");
    assertEquals("took over from " + A, grant.reason());
  }

  @Test
  void aWipedNodeAtTheAddressOfTheInSyncPrimaryIsNotPromotedAndIsToldWhereTheDataIs() {
    PromotionRules.Deny deny = assertInstanceOf(PromotionRules.Deny.class, decide(RECORD, A, fresh("sa-new")));

    assertTrue(deny.reason().contains("its store is new (empty)"), deny.reason());
    assertEquals(List.of(B), deny.copyFrom(), "it copies the other in-sync store first");
  }

  /** Found by LostStoreIT on a loaded machine: the rm recorded the grant, the node's ask had timed out, and it was then denied for good. */
  @Test
  void aGrantWhoseAnswerWasLostIsGivenAgainNotRefused() {
    RmState granted = new RmState(1, A, List.of(A), List.of(), "sa", List.of("sa"), "L", new StorePosition(1, 0));

    PromotionRules.Grant again = assertInstanceOf(PromotionRules.Grant.class, decide(granted, A, fresh("sa")));

    assertEquals(1, again.epoch(), "the same epoch, not a new one");
    assertEquals("L", again.lineage(), "the recorded lineage");
    assertTrue(again.again());
    assertInstanceOf(PromotionRules.Deny.class, decide(granted, A, fresh("another-store")), "only for the store that was granted");
  }

  @Test
  void anInSyncStoreRestoredFromAnOlderCopyIsNotPromoted() {
    String why = denied(decide(RECORD, B, at("sb", LINEAGE, 3, 200)));

    assertTrue(why.contains("lacks acknowledged writes: writes up to epoch 3 write 500 were acknowledged"), why);
  }

  @Test
  void aStoreOfAnotherHistoryIsNotPromotedEvenInTheInSyncSetsPlace() {
    String why = denied(decide(RECORD, A, at("sa", "other-lineage", 5, 10)));

    assertTrue(why.contains("another history"), why);
  }

  @Test
  void aStoreOutsideTheInSyncSetIsDeniedUnlessItCopiedAnInSyncStoreAtTheCurrentEpoch() {
    StoreInfo c = at("sc", LINEAGE, 3, 500);
    assertTrue(denied(decide(RECORD, C, c)).contains("not in sync"));

    PromotionRules.Decision copied = PromotionRules.decide(RECORD, C, c, "sb", new StorePosition(3, 500), Map.of(C, c), Set.of(), false, () -> "x");
    PromotionRules.Decision oldCopy = PromotionRules.decide(RECORD, C, c, "sb", new StorePosition(2, 90), Map.of(C, c), Set.of(), false, () -> "x");

    assertEquals("caught up from store sb, took over from " + A, assertInstanceOf(PromotionRules.Grant.class, copied).reason());
    assertInstanceOf(PromotionRules.Deny.class, oldCopy, "a copy from before the current epoch may lack its writes");
  }

  @Test
  void theNewEpochIsAboveEveryEpochTheRmOrAnyStoreKnows() {
    Map<String, StoreInfo> others = Map.of(C, at("sc", LINEAGE, 7, 1));

    assertEquals(8, assertInstanceOf(PromotionRules.Grant.class, decide(RECORD, B, at("sb", LINEAGE, 3, 501), others, false)).epoch());
  }

  // ---- without a record: a new rm, or one whose data directory was lost

  @Test
  void anRmWithoutARecordWaitsForEveryStoreOfTheLastInSyncSet() {
    StoreInfo a = at("sa", LINEAGE, 3, 500, member("sa", A), member("sb", B));

    String why = denied(decide(RmState.empty(), A, a));

    assertTrue(why.contains("no record") && why.contains("missing [store sb on " + B + "]"), why);
  }

  @Test
  void anRmWithoutARecordPromotesOnlyTheMostAdvancedStoreOnceEveryInSyncStoreReported() {
    StoreInfo a = at("sa", LINEAGE, 3, 500, member("sa", A), member("sb", B));
    StoreInfo b = at("sb", LINEAGE, 3, 520, member("sa", A), member("sb", B));

    PromotionRules.Deny behind = assertInstanceOf(PromotionRules.Deny.class, decide(RmState.empty(), A, a, Map.of(B, b), false));
    PromotionRules.Decision ahead = decide(RmState.empty(), B, b, Map.of(A, a), false);

    assertEquals(List.of(B), behind.copyFrom(), "the less advanced store copies the most advanced first");
    assertEquals(4, assertInstanceOf(PromotionRules.Grant.class, ahead).epoch());
  }

  @Test
  void anRmWithoutARecordNeverCountsANewStoreAsTheInSyncStoreOnItsNode() {
    StoreInfo a = at("sa", LINEAGE, 3, 500, member("sa", A), member("sb", B));

    String why = denied(decide(RmState.empty(), A, a, Map.of(B, fresh("sb-new")), false));

    assertTrue(why.contains("missing [store sb on " + B + "]"), why);
  }

  @Test
  void anRmWithoutARecordHearsFromEveryRouterNodeBeforeItStartsANewHistory() {
    PromotionRules.Decision decision =
        PromotionRules.decide(RmState.empty(), A, fresh("sa"), null, null, Map.of(A, fresh("sa")), Set.of(A, B), false, () -> "x");

    String why = denied(decision);
    assertTrue(why.contains("waits for what the stores of [" + B + "] hold"), why);
  }

  @Test
  void storesOfTwoHistoriesAreLeftToTheOperator() {
    String why = denied(decide(RmState.empty(), A, at("sa", LINEAGE, 3, 500), Map.of(B, at("sb", "other", 4, 2)), false));

    assertTrue(why.contains("different histories"), why);
  }

  @Test
  void anOldRecordWithoutStoreIdsIsNotTrustedWithNewStoresAtItsAddresses() {
    RmState old = new RmState(3, A, List.of(A, B), List.of(), null, List.of(), null, StorePosition.EMPTY);

    String why = denied(decide(old, A, fresh("sa"), Map.of(B, fresh("sb")), false));

    assertTrue(why.contains("every store that reported is new"), why);
    assertTrue(why.contains("--accept-data-loss"), why);
  }

  // ---- the operator's way out

  @Test
  void withAcceptDataLossTheMostAdvancedStorePresentIsPromotedAndTheLossIsNamed() {
    RmState onlyB = new RmState(3, B, List.of(B), List.of(), "sb", List.of("sb"), LINEAGE, new StorePosition(3, 600));
    StoreInfo a = at("sa", LINEAGE, 3, 500);
    assertInstanceOf(PromotionRules.Deny.class, decide(onlyB, A, a, Map.of(), false), "never without the operator");

    PromotionRules.Grant grant = assertInstanceOf(PromotionRules.Grant.class, decide(onlyB, A, a, Map.of(), true));

    assertTrue(grant.reason().startsWith("FORCED by the operator (--accept-data-loss)"), grant.reason());
    assertTrue(grant.reason().contains("acknowledged up to epoch 3 write 600") && grant.reason().contains("does not hold them all"), grant.reason());
  }

  @Test
  void withAcceptDataLossALessAdvancedStoreStillCopiesTheMostAdvancedOneFirst() {
    RmState onlyC = new RmState(3, C, List.of(C), List.of(), "sc", List.of("sc"), LINEAGE, new StorePosition(3, 600));

    PromotionRules.Deny deny = assertInstanceOf(PromotionRules.Deny.class,
        decide(onlyC, A, at("sa", LINEAGE, 3, 100), Map.of(B, at("sb", LINEAGE, 3, 400)), true));

    assertEquals(List.of(B), deny.copyFrom());
  }

  @Test
  void withAcceptDataLossAndEveryStoreLostANewHistoryStarts() {
    PromotionRules.Grant grant = assertInstanceOf(PromotionRules.Grant.class, decide(RECORD, A, fresh("sa-new"), Map.of(B, fresh("sb-new")), true));

    assertNotNull(grant.lineage());
    assertEquals(4, grant.epoch());
  }
}
