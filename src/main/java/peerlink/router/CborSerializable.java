package peerlink.router;

/** Marker for messages, events and state that Pekko serializes with Jackson CBOR (bound in conf). */
public interface CborSerializable {}
