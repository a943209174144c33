package peerlink.replication;

/** Marker for replication messages between nodes and the rm's events and state (Jackson CBOR, bound in conf). */
public interface ReplicationSerializable {}
