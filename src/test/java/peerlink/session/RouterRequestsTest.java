package peerlink.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import peerlink.router.RouterCommand;

/**
 * Two sessions sharing a node's budget of requests in flight: what each sends to the router, in which order,
 * and when the budget wakes it. (The wake-up runs at once here; a session gets it as a message.)
 */
class RouterRequestsTest {
  private final NodeRequestBudget budget = new NodeRequestBudget(2);
  private final Session a = new Session("a");
  private final Session b = new Session("b");

  /** What a session does with its {@link RouterRequests}: records what it sent and how often it was woken. */
  private final class Session {
    final List<String> sent = new ArrayList<>();
    final AtomicInteger wakes = new AtomicInteger();
    final RouterRequests requests;
    boolean mayGo = true;
    final String name;

    Session(String name) {
      this.name = name;
      this.requests = new RouterRequests(budget, wakes::incrementAndGet);
    }

    void ask(String id) {
      requests.add(id, command(id), mayGo, c -> sent.add(peerOf(c)));
    }

    void woken() {
      requests.woken(mayGo, c -> sent.add(peerOf(c)));
    }

    /** The request id rides in the command's peer field, so that what was sent can be read back. */
    private RouterCommand command(String id) {
      return new RouterCommand.Acknowledge(id, 0, null);
    }

    private String peerOf(RouterCommand command) {
      return ((RouterCommand.Acknowledge) command).peer();
    }
  }

  @Test
  void requestsBeyondTheBudgetWaitInOrderAndGoAsAnswersComeBack() {
    a.ask("a1");
    a.ask("a2");
    a.ask("a3");
    b.ask("b1");
    assertEquals(List.of("a1", "a2"), a.sent, "two permits: the third waits");
    assertEquals(List.of(), b.sent);
    assertEquals(0, budget.free());

    assertTrue(a.requests.remove("a1"));
    assertEquals(1, a.wakes.get(), "a waited first, so the permit given back wakes a");
    assertEquals(0, b.wakes.get());
    a.woken();
    assertEquals(List.of("a1", "a2", "a3"), a.sent);

    assertTrue(a.requests.remove("a2"));
    assertEquals(1, b.wakes.get());
    b.woken();
    assertEquals(List.of("b1"), b.sent);
    assertEquals(0, budget.free());
  }

  @Test
  void aSessionSendsAtMostATurnAndThenWaitsBehindTheOthers() {
    NodeRequestBudget roomy = new NodeRequestBudget(100);
    List<String> order = new ArrayList<>();
    List<Runnable> wakes = new ArrayList<>();
    RouterRequests piper = new RouterRequests(roomy, () -> wakes.add(() -> {}));
    List<String> pipeline = new ArrayList<>();
    RouterRequests single = new RouterRequests(roomy, () -> {});
    for (int i = 0; i < 40; i++) { // read while its router was changing: 40 wait
      piper.add("p" + i, new RouterCommand.Acknowledge("p" + i, 0, null), false, c -> pipeline.add(((RouterCommand.Acknowledge) c).peer()));
    }
    piper.resend(c -> pipeline.add(((RouterCommand.Acknowledge) c).peer()));
    assertEquals(RouterRequests.PER_TURN, pipeline.size(), "one turn, though permits are free");
    assertEquals(1, wakes.size(), "and it waits for its next turn, woken at once as a permit is free");
    single.add("s", new RouterCommand.Acknowledge("s", 0, null), true, c -> order.add("s"));
    assertEquals(List.of("s"), order, "a client sending one is not behind the pipeline's rest");
    piper.woken(true, c -> pipeline.add(((RouterCommand.Acknowledge) c).peer()));
    assertEquals(40, pipeline.size(), "its next turn sends the rest");
    assertEquals(100 - 41, roomy.free());
  }

  @Test
  void aWaitingRequestThatTimesOutIsNeverSentAndTakesNoPermit() {
    a.ask("a1");
    a.ask("a2");
    a.ask("a3");
    assertTrue(a.requests.remove("a3"), "it timed out while it waited");
    assertFalse(a.requests.remove("a3"));
    assertTrue(a.requests.remove("a1"));
    a.woken();
    assertEquals(List.of("a1", "a2"), a.sent);
    assertEquals(1, budget.free());
  }

  @Test
  void aSessionWokenForAPermitItCannotUseHandsTheWakeUpOn() {
    a.ask("a1");
    a.ask("a2");
    a.ask("a3");
    b.ask("b1");
    a.mayGo = false; // its router instance is gone: it holds everything until the next one
    assertTrue(a.requests.remove("a1"));
    a.woken();
    assertEquals(1, b.wakes.get(), "the permit a could not use went to b");
    b.woken();
    assertEquals(List.of("b1"), b.sent);
  }

  @Test
  void afterAFailoverTheUnansweredRequestsGoAgainInOrderWithoutNewPermits() {
    a.ask("a1");
    a.ask("a2");
    a.mayGo = false;
    a.ask("a3"); // while the router is changing
    a.sent.clear();
    a.requests.resend(c -> a.sent.add(((RouterCommand.Acknowledge) c).peer()));
    assertEquals(List.of("a1", "a2"), a.sent, "a3 still waits for a permit");
    assertTrue(a.requests.remove("a1"));
    a.mayGo = true;
    a.woken();
    assertEquals(List.of("a1", "a2", "a3"), a.sent);
  }

  @Test
  void aSessionThatEndsGivesBackItsPermitsAndWakesTheNextOne() {
    a.ask("a1");
    a.ask("a2");
    b.ask("b1");
    b.ask("b2");
    a.requests.clear();
    assertEquals(1, b.wakes.get(), "b waits once, so it is woken once");
    b.woken();
    assertEquals(List.of("b1", "b2"), b.sent, "and takes every permit free");
    assertEquals(0, budget.free());
    b.requests.clear();
    assertEquals(2, budget.free());
  }

  @Test
  void aSessionThatEndsWhileWaitingLeavesNoWakeUpBehind() {
    a.ask("a1");
    a.ask("a2");
    b.ask("b1"); // waits
    b.requests.clear();
    assertTrue(a.requests.remove("a1"));
    assertEquals(0, b.wakes.get(), "the ended session is no longer woken");
    assertEquals(1, budget.free());
  }
}
