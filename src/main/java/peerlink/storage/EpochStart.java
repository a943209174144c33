package peerlink.storage;

/**
 * One promotion in a store's history: epoch {@code epoch} began when the new primary's store stood at
 * {@code from}. So the epoch's writes follow exactly the writes up to {@code from}, and nothing after it.
 */
public record EpochStart(long epoch, StorePosition from) {}
