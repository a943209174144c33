package peerlink.router;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Decides which session commands the router takes (defence in depth behind cluster TLS, docs/architecture.md,
 * "Trust"): only from sessions on this node or on a router node that is a member of the cluster, and a
 * command that acts as a peer ({@code Execute}, {@code FetchPushes}, {@code Acknowledge}) only from the
 * session the router attached to that peer after it authenticated it. Such a command from another session
 * waits, in arrival order, for that session's login or resume (after a failover a session's first
 * requests may reach the new router instance just before its resume), and is dropped if none attaches it
 * within {@link #HOLD_NANOS}.
 */
final class SessionGate {
  /** Long enough for a session's resume to follow its first requests to a new instance; far shorter than a client's timeout. */
  static final long HOLD_NANOS = 10_000_000_000L;
  /** Bounds what unattached sessions can make the router hold. */
  static final int MAX_HELD = 10_000;

  /** What the gate says about one command. */
  enum Verdict { ACCEPT, HOLD, REFUSE }

  /** A command with its place in the order the router received commands. */
  record Arrival(long seq, RouterCommand.Decidable command) {}

  private record Held(Arrival arrival, long deadline) {
    RouterCommand.Decidable command() {
      return arrival.command();
    }
  }

  private final Predicate<Address> routerMember;
  private final ArrayDeque<Held> held = new ArrayDeque<>();

  /** @param routerMember true for the address of a router node that is a member of the cluster */
  SessionGate(Predicate<Address> routerMember) {
    this.routerMember = routerMember;
  }

  /** Accept, hold (then it is kept here) or refuse {@code command}, given which session serves which peer. */
  Verdict admit(Arrival arrival, Map<String, ActorRef<ToSession>> attached, long now) {
    RouterCommand.Decidable command = arrival.command();
    Address from = command.session().path().address();
    if (!from.hasLocalScope() && !routerMember.test(from)) {
      return Verdict.REFUSE;
    }
    String peer = actsAs(command);
    if (peer == null || command.session().equals(attached.get(peer))) {
      return Verdict.ACCEPT;
    }
    if (held.size() >= MAX_HELD) {
      return Verdict.REFUSE;
    }
    held.addLast(new Held(arrival, now + HOLD_NANOS));
    return Verdict.HOLD;
  }

  /** The held commands whose sessions are now attached to their peers, in arrival order; they leave the gate. */
  List<Arrival> released(Map<String, ActorRef<ToSession>> attached) {
    List<Arrival> released = new ArrayList<>();
    if (held.isEmpty()) {
      return released;
    }
    ArrayDeque<Held> still = new ArrayDeque<>();
    for (Held h : held) {
      if (h.command().session().equals(attached.get(actsAs(h.command())))) {
        released.add(h.arrival());
      } else {
        still.addLast(h);
      }
    }
    held.clear();
    held.addAll(still);
    return released;
  }

  /** Drops the held commands whose time is up; returns them, for the log. */
  List<RouterCommand.Decidable> expired(long now) {
    List<RouterCommand.Decidable> expired = new ArrayList<>();
    held.removeIf(h -> {
      if (h.deadline() - now <= 0) {
        expired.add(h.command());
        return true;
      }
      return false;
    });
    return expired;
  }

  int heldCount() {
    return held.size();
  }

  /** The peer a command acts as, or null for the commands that authenticate (login, register, resume). */
  static String actsAs(RouterCommand.Decidable command) {
    if (command instanceof RouterCommand.Execute e) {
      return e.peer();
    } else if (command instanceof RouterCommand.FetchPushes f) {
      return f.peer();
    } else if (command instanceof RouterCommand.Acknowledge a) {
      return a.peer();
    }
    return null;
  }
}
