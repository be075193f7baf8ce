package engineio

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestSharedMessage sends the same shared messages to several sessions:
// every client gets them intact and in order, whatever its transport, and
// with permessage-deflate on, clients that negotiated compression and
// clients that did not share the prepared frames.
func TestSharedMessage(t *testing.T) {
	big := make([]byte, 3*DefaultPerMessageDeflateSize)
	for i := range big {
		big[i] = 'a' + byte(i%7)
	}
	bigBin := bytes.Repeat([]byte{0, 1, 2, 0xff}, DefaultPerMessageDeflateSize)
	for _, deflate := range []bool{false, true} {
		t.Run(fmt.Sprintf("deflate=%v", deflate), func(t *testing.T) {
			run(t, func(t *testing.T, m mode) {
				e := newEnv(t, envOptions{opts: &Options{PerMessageDeflate: deflate}, onConn: func(*Session) {}})
				const n = 4
				clients := make([]*client, n)
				sessions := make([]*Session, n)
				for i := range clients {
					// Half the clients offer compression.
					e.dialer.EnableCompression = i%2 == 0
					clients[i] = e.dial(m)
					sessions[i] = e.session()
				}
				msgs := []Message{
					NewSharedMessage([]byte("hello all"), false),
					NewSharedMessage([]byte{0, 1, 2, 0xff}, true),
					NewSharedMessage(big, false),
					NewSharedMessage(bigBin, true),
					NewSharedMessage([]byte(""), false),
					NewSharedMessage([]byte{}, true),
				}
				for round := range 3 {
					for _, s := range sessions {
						if err := s.Send(msgs...); err != nil {
							t.Fatalf("round %d: Send: %v", round, err)
						}
					}
				}
				for ci, c := range clients {
					for round := range 3 {
						for i, want := range msgs {
							got := c.nextMessage()
							if got.Binary != want.Binary || !bytes.Equal(got.Data, want.Data) {
								t.Fatalf("client %d, round %d, message %d: got %d bytes (binary %v), want %d bytes (binary %v)",
									ci, round, i, len(got.Data), got.Binary, len(want.Data), want.Binary)
							}
						}
					}
				}
			})
		})
	}
}

// TestSharedMessageIsMessage checks that a shared message carries its
// data like a plain one.
func TestSharedMessageIsMessage(t *testing.T) {
	tests := []struct {
		data   []byte
		binary bool
	}{
		{[]byte("text"), false},
		{[]byte{1, 2, 3}, true},
		{nil, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q/%v", tt.data, tt.binary), func(t *testing.T) {
			m := NewSharedMessage(tt.data, tt.binary)
			if !bytes.Equal(m.Data, tt.data) || m.Binary != tt.binary {
				t.Errorf("NewSharedMessage(%q, %v) = {%q, %v}", tt.data, tt.binary, m.Data, m.Binary)
			}
		})
	}
}

// BenchmarkWebSocketSend measures one message sent to one WebSocket
// session and written by its flusher, as a plain Message and as a shared
// one (the per-receiver part of a broadcast): allocs/op is what every
// receiver costs. The client discards the bytes it reads, allocating
// nothing; every 256 messages the benchmark waits until it read them all.
func BenchmarkWebSocketSend(b *testing.B) {
	data := []byte(`2["chat_message",{"text":"hi","room":"lobby"}]`)
	for _, tc := range []struct {
		name string
		msg  Message
	}{
		{"plain", Message{Data: data}},
		{"shared", NewSharedMessage(data, false)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			sessions := make(chan *Session, 1)
			srv := NewServer(&Options{Transports: []string{TransportWebSocket}, PingInterval: time.Hour, PingTimeout: time.Hour})
			srv.OnConnection(func(s *Session) { sessions <- s })
			hs := httptest.NewServer(srv)
			defer hs.Close()
			defer func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = srv.Shutdown(ctx)
			}()
			conn, err := rawWebSocketDial(strings.TrimPrefix(hs.URL, "http://"), "/engine.io/?EIO=4&transport=websocket")
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			sess := <-sessions
			var read atomic.Int64
			go func() {
				buf := make([]byte, 32<<10)
				for {
					n, err := conn.Read(buf)
					read.Add(int64(n))
					if err != nil {
						return
					}
				}
			}()
			frame := int64(2 + 1 + len(data)) // header, type digit, data
			wait := func(msgs int64) {
				for read.Load() < msgs*frame {
					runtime.Gosched()
				}
			}
			var sent int64
			b.ReportAllocs()
			for b.Loop() {
				if err := sess.Send(tc.msg); err != nil {
					b.Fatal(err)
				}
				if sent++; sent%256 == 0 {
					wait(sent)
				}
			}
			wait(sent)
		})
	}
}

// BenchmarkSessionSend measures Session.Send alone (queueing, no
// network): a polling session without a waiting GET, whose queue the
// benchmark empties every 512 messages.
func BenchmarkSessionSend(b *testing.B) {
	data := []byte(`2["chat_message",{"text":"hi","room":"lobby"}]`)
	for _, tc := range []struct {
		name string
		msg  Message
	}{
		{"plain", Message{Data: data}},
		{"shared", NewSharedMessage(data, false)},
		{"binary", Message{Data: data, Binary: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			srv := NewServer(&Options{PingInterval: time.Hour, PingTimeout: time.Hour})
			sess := newSession(srv, "bench", httptest.NewRequest("GET", "/", nil), TransportPolling)
			sess.state = stateOpen
			var sent int
			b.ReportAllocs()
			for b.Loop() {
				if err := sess.Send(tc.msg); err != nil {
					b.Fatal(err)
				}
				if sent++; sent%512 == 0 {
					sess.mu.Lock()
					sess.queue = sess.queue[:0]
					sess.mu.Unlock()
				}
			}
		})
	}
}
