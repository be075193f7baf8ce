package redisbus

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/vmihailenco/msgpack/v5"
	"go.uber.org/goleak"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/internal/redistest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestEncodeDecode checks that every message type survives the round trip.
func TestEncodeDecode(t *testing.T) {
	msgs := []engineio.ClusterMessage{
		{Type: engineio.ClusterMsgAcquireLock, SenderID: "a", RequestID: 1, SID: "s", TransportName: "polling", LockType: "read"},
		{Type: engineio.ClusterMsgAcquireLockResponse, SenderID: "b", RecipientID: "a", RequestID: 1, SID: "s", Success: true},
		{Type: engineio.ClusterMsgAcquireLockResponse, SenderID: "b", RecipientID: "a", RequestID: 2, SID: "s"},
		{Type: engineio.ClusterMsgDrain, SenderID: "b", RecipientID: "a", RequestID: 1, SID: "s", Packets: []engineio.ClusterPacket{
			{Type: "message", Data: []byte("hi")}, {Type: "message", Data: []byte{0, 255}, Binary: true}, {Type: "ping"}}},
		{Type: engineio.ClusterMsgPacket, SenderID: "a", RecipientID: "b", RequestID: 3, SID: "s", Packets: []engineio.ClusterPacket{{Type: "pong"}}},
		{Type: engineio.ClusterMsgPacket, SenderID: "a", RecipientID: "b", RequestID: 3, SID: "s", Ack: true, Packets: []engineio.ClusterPacket{
			{Type: "message", Data: []byte("1")}, {Type: "message", Data: []byte("2")}}},
		{Type: engineio.ClusterMsgUpgrade, SenderID: "a", RecipientID: "b", RequestID: 4, SID: "s", Success: true},
		{Type: engineio.ClusterMsgUpgradeResponse, SenderID: "b", RecipientID: "a", RequestID: 4, SID: "s"},
		{Type: engineio.ClusterMsgUpgradeResponse, SenderID: "b", RecipientID: "a", RequestID: 5, SID: "s", TakeOver: true,
			Packets: []engineio.ClusterPacket{{Type: "message", Data: []byte("40")}}},
		{Type: engineio.ClusterMsgClose, SenderID: "a", RecipientID: "b", RequestID: 5, SID: "s", Reason: "transport close"},
		{Type: engineio.ClusterMsgPacketAck, SenderID: "b", RecipientID: "a", RequestID: 3, SID: "s", Success: true},
	}
	for _, m := range msgs {
		t.Run(fmt.Sprint(m.Type, "/", m.RequestID), func(t *testing.T) {
			b, err := Encode(&m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, m) {
				t.Fatalf("got %+v, want %+v", *got, m)
			}
		})
	}
}

// TestClusterEngineShape decodes messages built the way cluster-engine
// builds them (MessagePack maps from JavaScript objects: a Buffer is bin,
// numbers are the smallest integer encoding) and checks the shape of what
// Encode writes.
func TestClusterEngineShape(t *testing.T) {
	node := map[string]any{
		"senderId": "abc123", "requestId": 7, "type": 0, "_source": "_eio",
		"data": map[string]any{"sid": "s", "transportName": "polling", "type": "write"},
	}
	b, _ := msgpack.Marshal(node)
	m, err := Decode(b)
	if err != nil || m.Type != engineio.ClusterMsgAcquireLock || m.RequestID != 7 || m.LockType != "write" || m.SenderID != "abc123" {
		t.Fatalf("lock: %+v, %v", m, err)
	}
	pkt := map[string]any{
		"senderId": "abc123", "recipientId": "me", "type": 3, "_source": "_eio",
		"data": map[string]any{"sid": "s", "packet": map[string]any{"type": "message", "data": []byte{1, 2}}},
	}
	b, _ = msgpack.Marshal(pkt)
	m, err = Decode(b)
	if err != nil || len(m.Packets) != 1 || !m.Packets[0].Binary || string(m.Packets[0].Data) != "\x01\x02" {
		t.Fatalf("packet: %+v, %v", m, err)
	}
	for _, bad := range []map[string]any{
		{"senderId": "x", "type": 0, "data": map[string]any{}},                     // no _source
		{"senderId": "x", "type": 99, "_source": "_eio", "data": map[string]any{}}, // unknown type
	} {
		b, _ := msgpack.Marshal(bad)
		if _, err := Decode(b); err == nil {
			t.Errorf("decoded %v", bad)
		}
	}
	if _, err := Decode([]byte{0xc1}); err == nil {
		t.Error("decoded garbage")
	}
	// What Encode writes, as a JavaScript decoder sees it.
	b, _ = Encode(&engineio.ClusterMessage{Type: engineio.ClusterMsgDrain, SenderID: "me", RecipientID: "abc123", RequestID: 9, SID: "s",
		Packets: []engineio.ClusterPacket{{Type: "message", Data: []byte("hi")}, {Type: "noop"}}})
	var got map[string]any
	if err := msgpack.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"senderId": "me", "recipientId": "abc123", "requestId": uint64(9), "type": int64(2), "_source": "_eio",
		"data": map[string]any{"sid": "s", "packets": []any{map[string]any{"type": "message", "data": "hi"}, map[string]any{"type": "noop"}}},
	}
	if !reflect.DeepEqual(normalize(got), normalize(want)) {
		t.Fatalf("encoded %#v\nwant %#v", got, want)
	}
}

// normalize turns every integer into int64, for comparisons.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			out[k] = normalize(x)
		}
		return out
	case []any:
		out := []any{}
		for _, x := range v {
			out = append(out, normalize(x))
		}
		return out
	case int8:
		return int64(v)
	case uint8:
		return int64(v)
	case int64:
		return v
	case uint64:
		return int64(v)
	}
	return v
}

// TestBus publishes through Redis: to one node, to every other node, in
// order, pipelined, never to itself, on the cluster-engine channels.
func TestBus(t *testing.T) {
	r := redistest.Start(t)
	client := redis.NewClient(&redis.Options{Addr: r.Addr})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var buses []*Bus
	var got []chan *engineio.ClusterMessage
	for range 3 {
		b, err := New(ctx, client, nil)
		if err != nil {
			t.Fatal(err)
		}
		ch := make(chan *engineio.ClusterMessage, 100)
		b.Handle(func(m *engineio.ClusterMessage) { ch <- m })
		buses = append(buses, b)
		got = append(got, ch)
	}
	defer func() {
		for _, b := range buses {
			_ = b.Close()
		}
	}()
	// A spy on the channels, as a cluster-engine node would listen.
	spy := client.Subscribe(ctx, "engine.io#", "engine.io#"+buses[1].NodeID()+"#")
	defer spy.Close()
	for range 2 {
		if _, err := spy.Receive(ctx); err != nil {
			t.Fatal(err)
		}
	}
	next := func(i int) *engineio.ClusterMessage {
		t.Helper()
		select {
		case m := <-got[i]:
			return m
		case <-time.After(5 * time.Second):
			t.Fatalf("node %d received nothing", i)
			return nil
		}
	}
	lock := &engineio.ClusterMessage{Type: engineio.ClusterMsgAcquireLock, SenderID: buses[0].NodeID(), RequestID: 1, SID: "s", TransportName: "polling", LockType: "read"}
	if err := buses[0].Publish(ctx, lock); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{1, 2} {
		if m := next(i); m.Type != engineio.ClusterMsgAcquireLock || m.SenderID != buses[0].NodeID() {
			t.Fatalf("node %d got %+v", i, m)
		}
	}
	var msgs []*engineio.ClusterMessage
	for i := range 20 {
		msgs = append(msgs, &engineio.ClusterMessage{Type: engineio.ClusterMsgPacket, SenderID: buses[0].NodeID(), RecipientID: buses[1].NodeID(), RequestID: uint64(i)})
	}
	if err := buses[0].Publish(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if m := next(1); m.RequestID != uint64(i) {
			t.Fatalf("message %d has request id %d", i, m.RequestID)
		}
	}
	select {
	case m := <-got[0]:
		t.Fatalf("the sender received its own %+v", m)
	case m := <-got[2]:
		t.Fatalf("node 2 received %+v, sent to node 1", m)
	case <-time.After(100 * time.Millisecond):
	}
	for _, want := range []string{"engine.io#", "engine.io#" + buses[1].NodeID() + "#"} {
		sm, err := spy.ReceiveMessage(ctx)
		if err != nil || sm.Channel != want {
			t.Fatalf("spy: %v on %v, want %s", sm, err, want)
		}
	}
}
