package peerlink.node;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps a registry that waits for the primary role from filling the node's log with stack traces.
 *
 * <p>While a router node waits for the rm's grant (at every start of a replicated node, and on a backup
 * after a failover until the grant), each attempt of its registry to recover is refused with "not the
 * primary: …". Pekko's supervisor logs each refusal at ERROR with two stack traces, about sixty lines,
 * three or four times per start: seven tenths of a node's log after a restart. The wait is expected; the
 * replication leader says why once ("Not taking over as primary: …"), the registry says once per reason
 * that it waits ({@code Registry}'s recovery signal), and {@code /ready} answers 503 with the reason. So this
 * filter drops exactly those supervisor lines: logger {@code peerlink.router.Registry}, with a cause whose
 * message starts with {@link #REFUSAL}. Any other failure of a recovery or a write is logged as before.
 * conf/logback.xml installs it on the node's appender.
 */
public final class RegistryWaitFilter extends Filter<ILoggingEvent> {
  /** How ReplicationLeader words the refusal of a node that is not (yet) the primary. */
  public static final String REFUSAL = "not the primary: ";
  static final String REGISTRY_LOGGER = "peerlink.router.Registry";

  @Override
  public FilterReply decide(ILoggingEvent event) {
    return REGISTRY_LOGGER.equals(event.getLoggerName()) && refusedForPrimary(event.getThrowableProxy()) ? FilterReply.DENY : FilterReply.NEUTRAL;
  }

  private static boolean refusedForPrimary(IThrowableProxy thrown) {
    for (IThrowableProxy cause = thrown; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && cause.getMessage().startsWith(REFUSAL)) {
        return true;
      }
    }
    return false;
  }
}
