package socketio

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/siogo/sio/engineio"
)

type benchMessage struct {
	Text string `json:"text"`
	Room string `json:"room"`
}

var benchEvent = []byte(`2["chat_message",{"text":"hi","room":"lobby"}]`)

// benchConnect joins "/" on a fake connection whose Send only counts, and
// waits for the CONNECT reply outside of a synctest bubble.
func benchConnect(b *testing.B, s *Server) (*testClient, *Socket) {
	tc := dial(b, s)
	tc.conn.discard = true
	tc.send("0")
	for {
		tc.c.mu.Lock()
		so := tc.c.socketLocked("/")
		tc.c.mu.Unlock()
		if so != nil && so.Connected() {
			return tc, so
		}
		runtime.Gosched()
	}
}

// benchDispatch measures an event's way from the Engine.IO message to the
// handler: the connection's decoder (header and event name only), then
// the socket's handler call with decode as the handler's decoding. The
// queue hand-off to the socket's worker is left out (see
// BenchmarkEventDispatchQueued).
func benchDispatch(b *testing.B, decode func(args *Args) error) {
	s := newTestServer(b, &Options{Logger: quietLog})
	s.On("chat_message", func(_ context.Context, _ *Socket, args *Args, _ AckFunc) error {
		return decode(args)
	})
	_, so := benchConnect(b, s)
	c := new(decoding)
	msg := make([]byte, len(benchEvent))
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEvent)))
	for b.Loop() {
		copy(msg, benchEvent)
		done, err := c.dec.AddTo(&c.pkt, msg, false)
		if err != nil || !done {
			b.Fatal(err)
		}
		name, rest, err := c.pkt.EventName()
		if err != nil {
			b.Fatal(err)
		}
		so.runEvent(&item{kind: itemEvent, name: name, body: rest, att: c.pkt.Attachments, id: c.pkt.ID})
	}
}

// BenchmarkEventDispatch decodes the argument straight into its struct from
// the raw bytes the decoder handed over.
func BenchmarkEventDispatch(b *testing.B) {
	benchDispatch(b, func(args *Args) error {
		var m benchMessage
		return args.Decode(0, &m)
	})
}

// BenchmarkEventDispatchUnmarshalAny is the peer of BenchmarkEventDispatch
// decoding the way a reflection-based server does: the whole array into
// []any first, then the argument into its struct.
func BenchmarkEventDispatchUnmarshalAny(b *testing.B) {
	benchDispatch(b, func(args *Args) error {
		var all []any
		if err := json.Unmarshal(append([]byte{'['}, args.body...), &all); err != nil {
			return err
		}
		raw, err := json.Marshal(all[0])
		if err != nil {
			return err
		}
		var m benchMessage
		return json.Unmarshal(raw, &m)
	})
}

// BenchmarkEventDispatchQueued is the whole way of an event, through the
// socket's queue and worker goroutine: onMessage returns at once, and the
// handler runs on the worker.
func BenchmarkEventDispatchQueued(b *testing.B) {
	s := newTestServer(b, &Options{EventQueueSize: 1 << 30, Logger: quietLog})
	var handled atomic.Int64
	s.On("chat_message", func(_ context.Context, _ *Socket, args *Args, _ AckFunc) error {
		var m benchMessage
		if err := args.Decode(0, &m); err != nil {
			b.Error(err)
		}
		handled.Add(1)
		return nil
	})
	tc, _ := benchConnect(b, s)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEvent)))
	n := int64(0)
	for b.Loop() {
		msg := make([]byte, len(benchEvent)) // the engine hands over a fresh buffer per message
		copy(msg, benchEvent)
		tc.c.onMessage(engineio.Message{Data: msg})
		n++
	}
	for handled.Load() < n {
		runtime.Gosched()
	}
}

// BenchmarkSocketEmit encodes an event for one socket and queues it.
func BenchmarkSocketEmit(b *testing.B) {
	s := newTestServer(b, &Options{Logger: quietLog})
	_, so := benchConnect(b, s)
	m := benchMessage{Text: "hi", Room: "lobby"}
	b.ReportAllocs()
	for b.Loop() {
		if err := so.Emit("chat_message", m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBroadcast emits one event to every socket of the namespace. The
// packet is encoded once; per receiver there is only the queue push (here
// a counting fake session). Compare allocs/op across receiver counts: they
// do not grow with the receivers.
func BenchmarkBroadcast(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		b.Run(fmt.Sprintf("receivers=%d", n), func(b *testing.B) {
			s := newTestServer(b, &Options{Logger: quietLog})
			for range n {
				benchConnect(b, s)
			}
			m := benchMessage{Text: "hi", Room: "lobby"}
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Emit("chat_message", m); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/receiver")
		})
	}
}

// BenchmarkBroadcastEncodePerReceiver is the peer of BenchmarkBroadcast
// that encodes the event again for every receiver (one Emit per socket).
func BenchmarkBroadcastEncodePerReceiver(b *testing.B) {
	const n = 10_000
	s := newTestServer(b, &Options{Logger: quietLog})
	for range n {
		benchConnect(b, s)
	}
	sockets := s.main().Sockets()
	m := benchMessage{Text: "hi", Room: "lobby"}
	b.ReportAllocs()
	for b.Loop() {
		for _, so := range sockets {
			if err := so.Emit("chat_message", m); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/receiver")
}

// BenchmarkConnectedSocketMemory reports the heap held per connected, idle
// socket (its Socket, rooms, client and decoder; the Engine.IO session is a
// fake and not counted). No goroutine is held per idle socket.
func BenchmarkConnectedSocketMemory(b *testing.B) {
	s := newTestServer(b, &Options{Logger: quietLog})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()
	keep := make([]*testClient, 0, b.N)
	for range b.N {
		tc, _ := benchConnect(b, s)
		keep = append(keep, tc)
	}
	for runtime.NumGoroutine() > goroutines {
		runtime.Gosched() // let the connect workers exit
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(b.N), "B/socket")
	b.ReportMetric(float64(runtime.NumGoroutine()-goroutines)/float64(b.N), "goroutines/socket")
	runtime.KeepAlive(keep)
}
