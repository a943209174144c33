package peerlink.replication;

/**
 * The newest primary grant a replica knows: the node the rm made primary at {@code epoch}, learned from
 * the rm's record or from this node's own fence (which the leader sends only once the rm granted it, or
 * when the node starts a deployment alone). Decides whose writes and copies a replica takes.
 */
record PrimaryGrant(long epoch, String primary) {
  static final PrimaryGrant NONE = new PrimaryGrant(-1, null);

  /** What a replica does with a write or a copy of {@code epoch} sent from node {@code from}. */
  enum Verdict { TAKE, REFUSE_STALE, ASK_RM, DROP }

  Verdict judge(long epoch, String from) {
    if (epoch < this.epoch) {
      return Verdict.REFUSE_STALE; // the rm granted a newer epoch: the sender is a stale primary, and learns so
    }
    if (epoch > this.epoch) {
      return Verdict.ASK_RM; // a grant this replica has not heard of yet (a failover), or none at all
    }
    return from.equals(primary) ? Verdict.TAKE : Verdict.DROP;
  }

  PrimaryGrant newer(long epoch, String primary) {
    return epoch > this.epoch && primary != null && !primary.isEmpty() ? new PrimaryGrant(epoch, primary) : this;
  }
}
