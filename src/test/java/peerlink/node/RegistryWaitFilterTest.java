package peerlink.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

/** What the node's log keeps of a registry's failed recoveries: everything but the wait for the primary role. */
class RegistryWaitFilterTest {
  private final LoggerContext logging = new LoggerContext();
  private final RegistryWaitFilter filter = new RegistryWaitFilter();

  @Test
  void theSupervisorsTraceOfAWaitForThePrimaryRoleIsDropped() {
    // As Pekko wraps it: the journal's failure, around the snapshot store's, around the leader's refusal.
    Throwable refusal = new RuntimeException("Exception during recovery from snapshot. PersistenceId [peerlink-registry].",
        new IllegalStateException("could not load", new IllegalStateException(
            RegistryWaitFilter.REFUSAL + "waiting for the replication manager: this store has been replicated")));
    assertEquals(FilterReply.DENY, filter.decide(event("peerlink.router.Registry", refusal)));
  }

  @Test
  void anyOtherFailureOfTheRegistryIsKept() {
    Throwable damaged = new RuntimeException("Exception during recovery from snapshot.", new IllegalStateException("the registry's checkpoint was loaded without its pieces"));
    assertEquals(FilterReply.NEUTRAL, filter.decide(event("peerlink.router.Registry", damaged)));
    assertEquals(FilterReply.NEUTRAL, filter.decide(event("peerlink.router.Registry", null)));
  }

  @Test
  void theSameRefusalLoggedElsewhereIsKept() {
    Throwable refusal = new IllegalStateException(RegistryWaitFilter.REFUSAL + "waiting for the replication manager");
    assertEquals(FilterReply.NEUTRAL, filter.decide(event("peerlink.replication.ReplicationLeader", refusal)));
  }

  private LoggingEvent event(String logger, Throwable thrown) {
    return new LoggingEvent("fqcn", logging.getLogger(logger), Level.ERROR, "Supervisor RestartSupervisor saw failure [3]: {}", thrown,
        new Object[] {thrown == null ? "" : thrown.getMessage()});
  }
}
