package peerlink.e2e;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import peerlink.protocol.ServerFrame;

/**
 * Everything the clients of a scenario sent, received and were told, checked against DESIGN.md §4 from the
 * outside: a send whose future completed is SENT (acknowledged) and must reach its recipient exactly once,
 * in per-sender order, with its DELIVERED back at the sender; a send that never completed may or may not
 * arrive, but never twice. Thread-safe: client listeners call it from their actor threads.
 *
 * <p>Each ledger message body is {@code sender#n#recipient}, where {@code n} counts the sender's sends, so a
 * recipient can tell who sent what in which order without trusting the router's fields; a send given a padding
 * gets {@code #} and that many {@code x} after it, for backlogs of a realistic size in bytes.
 */
final class Ledger {
  static final String FOREIGN_PREFIX = "x:";
  /** The prefix of order violations, which scenarios report after all other checks. */
  static final String ORDER = "ORDER: ";

  /** One send: its body, when it was submitted and, once answered, the router's answer. */
  static final class Send {
    final String sender;
    final String to;
    final long n;
    final String body;
    final long submittedAt;
    long completedAt;
    ServerFrame.Ok ok;
    Throwable failure;
    String ackedVia;

    private Send(String sender, String to, long n, int padding, long submittedAt) {
      this.sender = sender;
      this.to = to;
      this.n = n;
      this.body = sender + "#" + n + "#" + to + (padding > 0 ? "#" + "x".repeat(padding) : "");
      this.submittedAt = submittedAt;
    }

    boolean done() {
      return ok != null || failure != null;
    }

    boolean sent() {
      return ok != null;
    }

    String msgId() {
      return ok == null ? null : ok.msgId();
    }

    @Override
    public String toString() {
      return "'" + sender + "#" + n + "#" + to + (body.length() > 64 ? "#(" + body.length() + " chars)" : "") + "'" + (ok != null ? " (" + ok.msgId() + (Boolean.TRUE.equals(ok.duplicate()) ? ", answered as a duplicate" : "") + ")" : failure != null ? " (failed: " + failure + ")" : " (unanswered)");
    }
  }

  record Received(String recipient, String from, String to, String msgId, String body, long seq, long at) {}

  record Note(String sender, String msgId, String recipient, int deliveredCount, int recipientCount, long at) {}

  private final List<Send> sends = new ArrayList<>();
  private final Map<String, Send> byBody = new HashMap<>();
  private final Map<String, List<Received>> byRecipient = new LinkedHashMap<>();
  private final Map<String, List<Received>> receiptsOfBody = new HashMap<>();
  private final Map<String, List<Note>> notesOfMsgId = new HashMap<>();
  private final Set<String> foreignMsgIds = new HashSet<>();

  synchronized Send submitted(String sender, String to, long n) {
    return submitted(sender, to, n, 0);
  }

  /** A send whose body carries {@code padding} more characters after its ledger name. */
  synchronized Send submitted(String sender, String to, long n, int padding) {
    Send send = new Send(sender, to, n, padding, System.nanoTime());
    sends.add(send);
    byBody.put(send.body, send);
    return send;
  }

  synchronized void completed(Send send, ServerFrame.Ok ok, Throwable failure, String via) {
    send.completedAt = System.nanoTime();
    send.ackedVia = via;
    if (failure != null) {
      send.failure = failure;
    } else {
      send.ok = ok;
    }
  }

  /** A message the test sent outside the ledger (body starting with {@link #FOREIGN_PREFIX}); its notices are expected. */
  synchronized void foreign(String msgId) {
    foreignMsgIds.add(msgId);
  }

  synchronized void received(String recipient, ServerFrame.Message message) {
    Received r = new Received(recipient, message.from(), message.to(), message.msgId(), message.body(), message.seq(), System.nanoTime());
    byRecipient.computeIfAbsent(recipient, k -> new ArrayList<>()).add(r);
    receiptsOfBody.computeIfAbsent(message.body(), k -> new ArrayList<>()).add(r);
  }

  synchronized void delivered(String sender, ServerFrame.Delivered delivered) {
    notesOfMsgId.computeIfAbsent(delivered.msgId(), k -> new ArrayList<>())
        .add(new Note(sender, delivered.msgId(), delivered.recipient(), delivered.deliveredCount(), delivered.recipientCount(), System.nanoTime()));
  }

  /** Messages {@code recipient}'s application was handed, in order. */
  synchronized List<Received> receivedBy(String recipient) {
    return List.copyOf(byRecipient.getOrDefault(recipient, List.of()));
  }

  synchronized List<Note> notesOf(String msgId) {
    return List.copyOf(notesOfMsgId.getOrDefault(msgId, List.of()));
  }

  synchronized List<Send> sends() {
    return List.copyOf(sends);
  }

  /** True when every send has been answered and every SENT one was received and its DELIVERED came back. */
  synchronized boolean settled() {
    for (Send send : sends) {
      if (!send.done() || (send.sent() && (!receivedAtRecipient(send) || !deliveredNoted(send)))) {
        return false;
      }
    }
    return true;
  }

  private boolean receivedAtRecipient(Send send) {
    return receiptsOfBody.getOrDefault(send.body, List.of()).stream().anyMatch(r -> r.recipient().equals(send.to));
  }

  private boolean deliveredNoted(Send send) {
    return notesOfMsgId.getOrDefault(send.msgId(), List.of()).stream().anyMatch(n -> n.recipient().equals(send.to) && n.sender().equals(send.sender));
  }

  /** Sends that are SENT and whose DELIVERED has reached the sender. */
  synchronized List<Send> deliveredSends() {
    return sends.stream().filter(s -> s.sent() && deliveredNoted(s)).toList();
  }

  /** Nanoseconds from {@code t} to the first SENT of a send submitted after {@code t}. */
  synchronized OptionalLong firstSentSubmittedAfter(long t) {
    return sends.stream().filter(s -> s.submittedAt > t && s.sent()).mapToLong(s -> s.completedAt - t).min();
  }

  synchronized long sentSubmittedAfter(long t) {
    return sends.stream().filter(s -> s.submittedAt > t && s.sent()).count();
  }

  synchronized long sentCount() {
    return sends.stream().filter(Send::sent).count();
  }

  synchronized long unanswered() {
    return sends.stream().filter(s -> !s.done()).count();
  }

  /** What is still missing, for a timeout message. */
  synchronized String progress() {
    List<String> unanswered = new ArrayList<>();
    List<String> notReceived = new ArrayList<>();
    List<String> notDelivered = new ArrayList<>();
    for (Send send : sends) {
      if (!send.done()) {
        unanswered.add(send.toString());
      } else if (send.sent() && !receivedAtRecipient(send)) {
        notReceived.add(send.toString());
      } else if (send.sent() && !deliveredNoted(send)) {
        notDelivered.add(send.toString());
      }
    }
    return "all sends answered, received and DELIVERED; " + summary() + "; unanswered " + unanswered.size() + " " + first(unanswered)
        + "; SENT but not received " + notReceived.size() + " " + first(notReceived)
        + "; received but no DELIVERED at the sender " + notDelivered.size() + " " + first(notDelivered);
  }

  synchronized String summary() {
    long sent = sends.stream().filter(Send::sent).count();
    long failed = sends.stream().filter(s -> s.failure != null).count();
    long duplicateAnswers = sends.stream().filter(s -> s.sent() && Boolean.TRUE.equals(s.ok.duplicate())).count();
    long received = byRecipient.values().stream().mapToLong(List::size).sum();
    long notes = notesOfMsgId.values().stream().mapToLong(List::size).sum();
    return sends.size() + " submitted, " + sent + " SENT (" + duplicateAnswers + " answered as duplicates of a resend), " + failed + " failed, "
        + (sends.size() - sent - failed) + " unanswered, " + received + " received, " + notes + " DELIVERED notices";
  }

  /**
   * Every broken invariant: lost (SENT, never received), duplicated, reordered, phantom or misaddressed
   * messages, missing, doubled or wrong DELIVERED notices, and SENT answers in an impossible state.
   */
  synchronized List<String> violations() {
    List<String> out = new ArrayList<>();
    Set<String> sentMsgIds = new HashSet<>();
    for (Send send : sends) {
      List<Received> receipts = receiptsOfBody.getOrDefault(send.body, List.of());
      if (receipts.size() > 1) {
        out.add("DUPLICATE: " + send + " reached the application " + receipts.size() + " times: " + receipts);
      }
      for (Received r : receipts) {
        if (!r.recipient().equals(send.to) || !r.from().equals(send.sender) || !r.to().equals(send.to)) {
          out.add("MISADDRESSED: " + send + " arrived as " + r);
        }
        if (send.sent() && !r.msgId().equals(send.msgId())) {
          out.add("WRONG ID: " + send + " was SENT as " + send.msgId() + " but arrived as " + r.msgId());
        }
      }
      if (!send.sent()) {
        continue;
      }
      sentMsgIds.add(send.msgId());
      if (!List.of("SENT", "DELIVERED").contains(send.ok.state())) {
        out.add("BAD STATE: " + send + " was answered with state " + send.ok.state());
      }
      if (receipts.isEmpty()) {
        out.add("LOST: " + send + " was SENT at +" + at(send.completedAt) + " s (via " + send.ackedVia + ") and never received");
      }
      List<Note> notes = notesOfMsgId.getOrDefault(send.msgId(), List.of()).stream().filter(n -> n.recipient().equals(send.to)).toList();
      if (notes.isEmpty()) {
        out.add("NO DELIVERED: " + send + " was never reported DELIVERED to " + send.sender);
      } else if (notes.size() > 1) {
        out.add("DELIVERED TWICE: " + send + ": " + notes);
      }
      for (Note note : notes) {
        if (!note.sender().equals(send.sender) || note.deliveredCount() != 1 || note.recipientCount() != 1) {
          out.add("WRONG DELIVERED: " + send + ": " + note);
        }
      }
    }
    for (Map.Entry<String, List<Received>> entry : byRecipient.entrySet()) {
      Map<String, Received> lastFrom = new HashMap<>();
      Set<String> msgIds = new HashSet<>();
      for (Received r : entry.getValue()) {
        if (!msgIds.add(r.msgId())) {
          out.add("DUPLICATE ID: " + entry.getKey() + " was handed " + r.msgId() + " twice (second: " + r + ")");
        }
        if (r.body().startsWith(FOREIGN_PREFIX)) {
          continue;
        }
        Send send = byBody.get(r.body());
        if (send == null) {
          out.add("PHANTOM: " + entry.getKey() + " received a message nobody sent: " + r);
          continue;
        }
        Received previous = lastFrom.put(send.sender, r);
        if (previous != null && send.n < byBody.get(previous.body()).n) {
          Send before = byBody.get(previous.body());
          out.add(ORDER + entry.getKey() + " received " + send.sender + "'s send #" + send.n + " " + r.msgId() + " (submitted at +" + at(send.submittedAt)
              + " s) after its send #" + before.n + " " + previous.msgId() + " (submitted at +" + at(before.submittedAt) + " s)");
        }
      }
    }
    for (Map.Entry<String, List<Note>> entry : notesOfMsgId.entrySet()) {
      if (!sentMsgIds.contains(entry.getKey()) && !foreignMsgIds.contains(entry.getKey())) {
        out.add("UNKNOWN DELIVERED: a DELIVERED for " + entry.getKey() + ", which no SENT answer named: " + entry.getValue());
      }
    }
    return out;
  }

  private String at(long nanos) {
    return String.format("%.3f", Await.seconds(nanos - start()));
  }

  private long start() {
    return sends.isEmpty() ? 0 : sends.get(0).submittedAt;
  }

  static String first(List<String> items) {
    return items.isEmpty() ? "" : items.subList(0, Math.min(items.size(), 10)).toString();
  }
}
