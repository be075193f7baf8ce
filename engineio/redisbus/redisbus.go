// Package redisbus carries the cluster messages of engineio servers over
// Redis Pub/Sub, so that a cluster of sio nodes serves long-polling
// clients and upgrades without sticky sessions (engineio.ClusterOptions).
//
// # Channels and messages
//
// The channels and the message shapes are those of Node's
// @socket.io/cluster-engine (its RedisEngine): every node subscribes to
// "<prefix>#" (messages for every node, a lock request) and
// "<prefix>#<nodeId>#" (messages for this node), prefix "engine.io" by
// default. A message is a MessagePack map:
//
//	{"senderId": "<node id>", "requestId": 7, "recipientId": "<node id>",
//	 "type": 2, "data": {"sid": "...", "packets": [{"type": "message", "data": "hi"}]},
//	 "_source": "_eio"}
//
// with the types and data of engineio.ClusterMessageType: 0
// ACQUIRE_LOCK {sid, transportName, type: "read"|"write"}, 1
// ACQUIRE_LOCK_RESPONSE {success}, 2 DRAIN {sid, packets}, 3 PACKET {sid,
// packet} (sio: or {sid, packets} with several, and "ack": true to ask for
// an acknowledgement), 4 UPGRADE {sid, success}, 5 UPGRADE_RESPONSE
// {takeOver, packets}, 6 CLOSE {sid, reason}, and sio's 7 PACKET_ACK
// {sid, success}. A packet's data is a string, or binary (MessagePack bin)
// for a binary message. Messages without "_source": "_eio", malformed
// ones and the node's own are ignored. docs/cluster-engine.md describes
// the exchanges and where sio differs from cluster-engine.
//
// # Connections
//
// A Bus uses one Pub/Sub connection of its own and publishes through the
// client's pool (pipelined when several messages go at once, so that they
// stay in order). One Bus serves one engineio server.
//
// # Concurrency
//
// All methods are safe for concurrent use. Received messages are handed to
// the handler on one goroutine, in the order Redis delivered them.
package redisbus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"

	"github.com/redis/go-redis/v9"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/siogo/sio/engineio"
)

// DefaultChannelPrefix is cluster-engine's channel prefix.
const DefaultChannelPrefix = "engine.io"

// receiveQueueSize is the buffer between the Pub/Sub connection and the
// handler (which does not block).
const receiveQueueSize = 1024

// messageSource marks the messages of cluster-engine nodes.
const messageSource = "_eio"

// Options configures a Bus. A nil *Options means the defaults.
type Options struct {
	// ChannelPrefix is the prefix of the Pub/Sub channels. Default
	// "engine.io".
	ChannelPrefix string
	// Logger receives malformed messages and connection failures.
	// Default slog.Default().
	Logger *slog.Logger
}

// Bus is an engineio.ClusterBus over Redis Pub/Sub.
type Bus struct {
	client redis.UniversalClient
	prefix string
	id     string
	log    *slog.Logger
	ps     *redis.PubSub
	done   chan struct{} // closed when the receiver stopped

	// mu guards handler.
	mu      sync.Mutex
	handler func(*engineio.ClusterMessage)
}

var _ engineio.ClusterBus = (*Bus)(nil)

// New subscribes to the cluster's channels with a Pub/Sub connection of
// client and returns the Bus once Redis confirmed the subscriptions (or
// ctx ended). Close releases the connection.
func New(ctx context.Context, client redis.UniversalClient, opts *Options) (*Bus, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.ChannelPrefix == "" {
		o.ChannelPrefix = DefaultChannelPrefix
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	var idb [8]byte
	_, _ = rand.Read(idb[:])
	b := &Bus{client: client, prefix: o.ChannelPrefix, id: hex.EncodeToString(idb[:]), log: o.Logger, done: make(chan struct{})}
	b.ps = client.Subscribe(ctx, b.channel(""), b.channel(b.id))
	for range 2 {
		m, err := b.ps.Receive(ctx)
		if err != nil {
			_ = b.ps.Close()
			return nil, errors.Join(errors.New("engineio/redisbus: subscribe"), err)
		}
		if _, ok := m.(*redis.Subscription); !ok {
			_ = b.ps.Close()
			return nil, errors.New("engineio/redisbus: subscribe: unexpected reply")
		}
	}
	go b.receive(b.ps.Channel(redis.WithChannelSize(receiveQueueSize)))
	return b, nil
}

// channel is the channel of node id, or the channel of every node.
func (b *Bus) channel(id string) string {
	if id == "" {
		return b.prefix + "#"
	}
	return b.prefix + "#" + id + "#"
}

// NodeID returns this node's id: 16 random hexadecimal digits.
func (b *Bus) NodeID() string { return b.id }

// Handle sets the function receiving the messages for this node.
func (b *Bus) Handle(fn func(*engineio.ClusterMessage)) {
	b.mu.Lock()
	b.handler = fn
	b.mu.Unlock()
}

// Publish sends msgs, pipelined in one round trip when there are several.
func (b *Bus) Publish(ctx context.Context, msgs ...*engineio.ClusterMessage) error {
	if len(msgs) == 1 {
		data, err := Encode(msgs[0])
		if err != nil {
			return err
		}
		return b.client.Publish(ctx, b.channel(msgs[0].RecipientID), data).Err()
	}
	_, err := b.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, m := range msgs {
			data, err := Encode(m)
			if err != nil {
				return err
			}
			p.Publish(ctx, b.channel(m.RecipientID), data)
		}
		return nil
	})
	return err
}

// Close unsubscribes and closes the Pub/Sub connection, and waits until
// the handler is no longer called.
func (b *Bus) Close() error {
	err := b.ps.Close()
	<-b.done
	return err
}

func (b *Bus) receive(ch <-chan *redis.Message) {
	defer close(b.done)
	for rm := range ch {
		m, err := Decode([]byte(rm.Payload))
		if err != nil {
			b.log.Debug("engineio/redisbus: message ignored", "channel", rm.Channel, "err", err)
			continue
		}
		if m.SenderID == b.id {
			continue
		}
		b.mu.Lock()
		fn := b.handler
		b.mu.Unlock()
		if fn != nil {
			fn(m)
		}
	}
}

// wireMessage is the MessagePack shape of a message, cluster-engine's.
type wireMessage struct {
	SenderID    string   `msgpack:"senderId"`
	RequestID   uint64   `msgpack:"requestId,omitempty"`
	RecipientID string   `msgpack:"recipientId,omitempty"`
	Type        int      `msgpack:"type"`
	Data        wireData `msgpack:"data"`
	Source      string   `msgpack:"_source"`
}

type wireData struct {
	SID           string       `msgpack:"sid,omitempty"`
	TransportName string       `msgpack:"transportName,omitempty"`
	LockType      string       `msgpack:"type,omitempty"`
	Success       *bool        `msgpack:"success,omitempty"`
	TakeOver      *bool        `msgpack:"takeOver,omitempty"`
	Packet        *wirePacket  `msgpack:"packet,omitempty"`
	Packets       []wirePacket `msgpack:"packets,omitempty"`
	Reason        string       `msgpack:"reason,omitempty"`
	Ack           bool         `msgpack:"ack,omitempty"`
}

// wirePacket is engine.io-parser's Packet: data is a string, or bytes for
// a binary message.
type wirePacket struct {
	Type string `msgpack:"type"`
	Data any    `msgpack:"data,omitempty"`
}

// Encode returns the MessagePack encoding of m, as cluster-engine's.
func Encode(m *engineio.ClusterMessage) ([]byte, error) {
	w := wireMessage{SenderID: m.SenderID, RequestID: m.RequestID, RecipientID: m.RecipientID, Type: int(m.Type), Source: messageSource}
	w.Data.SID = m.SID
	t := true
	f := false
	boolp := func(v bool) *bool {
		if v {
			return &t
		}
		return &f
	}
	switch m.Type {
	case engineio.ClusterMsgAcquireLock:
		w.Data.TransportName, w.Data.LockType = m.TransportName, m.LockType
	case engineio.ClusterMsgAcquireLockResponse, engineio.ClusterMsgUpgrade, engineio.ClusterMsgPacketAck:
		w.Data.Success = boolp(m.Success)
	case engineio.ClusterMsgUpgradeResponse:
		w.Data.TakeOver = boolp(m.TakeOver)
	case engineio.ClusterMsgClose:
		w.Data.Reason = m.Reason
	}
	pkts := make([]wirePacket, len(m.Packets))
	for i, p := range m.Packets {
		pkts[i].Type = p.Type
		switch {
		case p.Binary:
			pkts[i].Data = p.Data
		case len(p.Data) > 0:
			pkts[i].Data = string(p.Data)
		}
	}
	switch {
	case m.Type == engineio.ClusterMsgPacket && len(pkts) == 1:
		w.Data.Packet = &pkts[0]
	case m.Type == engineio.ClusterMsgDrain || m.Type == engineio.ClusterMsgUpgradeResponse || m.Type == engineio.ClusterMsgPacket:
		w.Data.Packets = pkts
	}
	w.Data.Ack = m.Ack
	return msgpack.Marshal(&w)
}

// Decode decodes a message Encode (or cluster-engine) encoded. It fails
// for a message without cluster-engine's "_source" mark.
func Decode(b []byte) (*engineio.ClusterMessage, error) {
	var w wireMessage
	if err := msgpack.Unmarshal(b, &w); err != nil {
		return nil, err
	}
	if w.Source != messageSource {
		return nil, errors.New("engineio/redisbus: not a cluster-engine message")
	}
	if w.Type < 0 || w.Type > int(engineio.ClusterMsgPacketAck) {
		return nil, errors.New("engineio/redisbus: unknown message type")
	}
	m := &engineio.ClusterMessage{
		Type:          engineio.ClusterMessageType(w.Type),
		SenderID:      w.SenderID,
		RecipientID:   w.RecipientID,
		RequestID:     w.RequestID,
		SID:           w.Data.SID,
		TransportName: w.Data.TransportName,
		LockType:      w.Data.LockType,
		Success:       w.Data.Success != nil && *w.Data.Success,
		TakeOver:      w.Data.TakeOver != nil && *w.Data.TakeOver,
		Reason:        w.Data.Reason,
		Ack:           w.Data.Ack,
	}
	pkts := w.Data.Packets
	if w.Data.Packet != nil {
		pkts = append(pkts, *w.Data.Packet)
	}
	for _, p := range pkts {
		cp := engineio.ClusterPacket{Type: p.Type}
		switch d := p.Data.(type) {
		case string:
			cp.Data = []byte(d)
		case []byte:
			cp.Data, cp.Binary = d, true
		case nil:
		default:
			return nil, errors.New("engineio/redisbus: packet data is neither a string nor bytes")
		}
		m.Packets = append(m.Packets, cp)
	}
	return m, nil
}
