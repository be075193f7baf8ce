package engineio

import (
	"context"
	"time"
)

// ClusterMessageType is the type of a ClusterMessage; the values are those
// of @socket.io/cluster-engine's MessageType, and sio's additions follow.
type ClusterMessageType uint8

// The cluster message types.
const (
	// ClusterMsgAcquireLock (to all nodes) asks the owner of SID for the right
	// to serve a request: TransportName "polling" with LockType "read" (a
	// GET) or "write" (a POST), or "websocket" (an upgrade).
	ClusterMsgAcquireLock ClusterMessageType = iota
	// ClusterMsgAcquireLockResponse (owner to forwarder) grants (Success) or
	// refuses the lock of request RequestID.
	ClusterMsgAcquireLockResponse
	// ClusterMsgDrain (owner to forwarder) carries the packets answering a
	// read lock (a GET's response), or the next packets of a streamed
	// WebSocket. RequestID is the lock's.
	ClusterMsgDrain
	// ClusterMsgPacket (forwarder to owner) carries packets the client sent,
	// in order. RequestID is the lock's; with Ack the owner answers with a
	// ClusterMsgPacketAck once its handlers took them.
	ClusterMsgPacket
	// ClusterMsgUpgrade (forwarder to owner) reports the end of a probe: with
	// Success, the client sent the upgrade packet and the owner streams the
	// session through the forwarder from now on.
	ClusterMsgUpgrade
	// ClusterMsgUpgradeResponse (owner to forwarder) answers a successful
	// ClusterMsgUpgrade: with TakeOver, the session moves to the
	// forwarder, with the messages received so far (Packets); otherwise
	// the owner streams it through the forwarder.
	ClusterMsgUpgradeResponse
	// ClusterMsgClose reports that a forwarded request or stream ended, with
	// the close reason (forwarder to owner), or that the session closed
	// and the forwarder must close its WebSocket (owner to forwarder, an
	// sio addition).
	ClusterMsgClose
	// ClusterMsgPacketAck (owner to forwarder, an sio addition) answers a
	// ClusterMsgPacket sent with Ack: its packets were handed to the
	// application (Success false: the session closed meanwhile).
	ClusterMsgPacketAck
)

// ClusterPacket is one Engine.IO packet in a ClusterMessage.
type ClusterPacket struct {
	// Type is the packet type's name, as engine.io-parser's: "open",
	// "close", "ping", "pong", "message", "upgrade" or "noop".
	Type string
	// Data is the packet's data, text or (with Binary) bytes.
	Data []byte
	// Binary marks a binary message.
	Binary bool
}

// ClusterMessage is one message between the nodes of a cluster. The fields
// a message uses depend on its Type (see ClusterMessageType).
type ClusterMessage struct {
	Type ClusterMessageType
	// SenderID is the publishing node's id (ClusterBus.NodeID).
	SenderID string
	// RecipientID is the node the message is for; empty: every other node.
	RecipientID string
	// RequestID identifies a request and its answers, unique per sender.
	RequestID uint64
	// SID is the session id.
	SID string
	// TransportName and LockType describe a ClusterMsgAcquireLock.
	TransportName string
	LockType      string
	// Success answers a lock, reports an upgrade or acknowledges packets.
	Success bool
	// TakeOver moves the session to the forwarder
	// (ClusterMsgUpgradeResponse).
	TakeOver bool
	// Packets are a ClusterMsgDrain's, a ClusterMsgPacket's (at least one) or a
	// ClusterMsgUpgradeResponse's.
	Packets []ClusterPacket
	// Ack asks for a ClusterMsgPacketAck (ClusterMsgPacket).
	Ack bool
	// Reason is a ClusterMsgClose's close reason (a CloseReason's text).
	Reason string
}

// ClusterBus carries ClusterMessages between the nodes of a cluster; see
// package engineio/redisbus for one over Redis Pub/Sub. A bus serves one
// Server.
type ClusterBus interface {
	// NodeID returns this node's id, unique in the cluster.
	NodeID() string
	// Publish sends msgs, in order, each to its RecipientID or, when that
	// is empty, to every other node. Messages to one node arrive in the
	// order they were published, when one Publish returned before the
	// next began. It returns once the messages are sent (not delivered).
	Publish(ctx context.Context, msgs ...*ClusterMessage) error
	// Handle sets the function that receives the messages for this node
	// (sent to it or to every node, never its own), one at a time, in the
	// order they arrived. fn does not block; it may keep the message.
	Handle(fn func(*ClusterMessage))
}

// Defaults of ClusterOptions.
const (
	DefaultClusterResponseTimeout = time.Second
	DefaultClusterMaxForwarded    = 10_000
	DefaultClusterTakeOverWindow  = 300 * time.Millisecond
)

// ClusterOptions enables serving sessions other nodes own (see the
// package documentation, "Clusters without sticky sessions").
type ClusterOptions struct {
	// Bus carries the messages between the nodes. Required.
	Bus ClusterBus
	// ResponseTimeout bounds the wait for the owner's answer to a lock,
	// an upgrade or a POST's packets: a lock not answered in time is an
	// unknown session (HTTP 400, code 1). Default 1s (cluster-engine's
	// responseTimeout).
	ResponseTimeout time.Duration
	// MaxForwarded bounds the requests this node forwards at once (GETs
	// waiting for the owner count, streamed WebSockets do not); more are
	// answered 503. In a round robin of n nodes, a node holds about
	// (n-1)/n of its share of the polling clients' GETs. Default 10,000.
	MaxForwarded int
	// TakeOverWindow is how long a new polling session waits before the
	// server calls OnConnection, for an upgrade: a WebSocket that lands
	// on another node and completes the upgrade within it takes the
	// session over (the session moves there, with the messages received
	// meanwhile, before any handler saw it); later, the owner streams the
	// session through that node for its whole life. The wait delays the
	// OnConnection of clients that do not upgrade (polling only) by as
	// much. Default 300ms (cluster-engine's delayedConnectionTimeout);
	// negative: no wait, no take-over.
	TakeOverWindow time.Duration
}

// clusterConfig is the resolved ClusterOptions.
type clusterConfig struct {
	bus             ClusterBus
	responseTimeout time.Duration
	maxForwarded    int
	takeOverWindow  time.Duration // 0: off
}

func newClusterConfig(o *ClusterOptions) *clusterConfig {
	if o == nil || o.Bus == nil {
		return nil
	}
	c := &clusterConfig{bus: o.Bus, responseTimeout: o.ResponseTimeout, maxForwarded: o.MaxForwarded, takeOverWindow: o.TakeOverWindow}
	switch {
	case c.takeOverWindow == 0:
		c.takeOverWindow = DefaultClusterTakeOverWindow
	case c.takeOverWindow < 0:
		c.takeOverWindow = 0
	}
	if c.responseTimeout <= 0 {
		c.responseTimeout = DefaultClusterResponseTimeout
	}
	if c.maxForwarded <= 0 {
		c.maxForwarded = DefaultClusterMaxForwarded
	}
	return c
}

// packetTypeNames are the engine.io-parser names of the packet types,
// indexed by the type digit minus '0'.
var packetTypeNames = [...]string{"open", "close", "ping", "pong", "message", "upgrade", "noop"}

// toCluster converts packets for a ClusterMessage (the data is shared).
func toCluster(pkts []packet) []ClusterPacket {
	out := make([]ClusterPacket, len(pkts))
	for i, p := range pkts {
		out[i] = ClusterPacket{Type: packetTypeNames[p.typ-typeOpen], Data: p.data, Binary: p.binary}
	}
	return out
}

// fromCluster converts the packets of a ClusterMessage; unknown types are
// dropped.
func fromCluster(cps []ClusterPacket) []packet {
	out := make([]packet, 0, len(cps))
	for _, cp := range cps {
		for i, n := range packetTypeNames {
			if n == cp.Type {
				p := packet{typ: typeOpen + byte(i), data: cp.Data, binary: cp.Binary && cp.Type == "message"}
				out = append(out, p)
				break
			}
		}
	}
	return out
}
