package socketio

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio/parser"
)

var eventWithOffset = regexp.MustCompile(`^2\["(\w+)",(?:\d+,)?"([^"]+)"\]$`)

func TestConnectionStateRecovery(t *testing.T) {
	no := false
	tests := []struct {
		name        string
		opts        RecoveryOptions
		cut         func(tc *testClient)
		wait        time.Duration
		offset      string // "" = the last offset received
		recovered   bool
		middlewares int // calls expected on the second connection
	}{
		{name: "transport close", cut: func(tc *testClient) { tc.conn.closeWith(engineio.ReasonTransportClose) }, recovered: true},
		{name: "ping timeout", cut: func(tc *testClient) { tc.conn.closeWith(engineio.ReasonPingTimeout) }, recovered: true},
		{name: "middlewares not skipped", opts: RecoveryOptions{SkipMiddlewares: &no}, cut: func(tc *testClient) { tc.conn.closeWith(engineio.ReasonTransportClose) }, recovered: true, middlewares: 1},
		{name: "expired", cut: func(tc *testClient) { tc.conn.closeWith(engineio.ReasonTransportClose) }, wait: 2*time.Minute + time.Second, middlewares: 1},
		{name: "custom duration", opts: RecoveryOptions{MaxDisconnectionDuration: 5 * time.Minute}, cut: func(tc *testClient) { tc.conn.closeWith(engineio.ReasonTransportClose) }, wait: 4 * time.Minute, recovered: true},
		{name: "unknown offset", cut: func(tc *testClient) { tc.conn.closeWith(engineio.ReasonTransportClose) }, offset: "nope", middlewares: 1},
		{name: "client disconnect is final", cut: func(tc *testClient) { tc.send("1") }, middlewares: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				opts := tt.opts
				s := newTestServer(t, &Options{ConnectionStateRecovery: &opts})
				middlewares := 0
				s.Use(func(context.Context, *Socket) error { middlewares++; return nil })
				s.OnConnection(func(_ context.Context, so *Socket, _ []byte) error {
					if !so.Recovered() {
						so.Join("room")
						so.SetData("d")
					}
					return nil
				})
				tc := dial(t, s)
				tc.send("0")
				reply := tc.settle()
				var first struct{ SID, PID string }
				if len(reply) != 1 || json.Unmarshal([]byte(reply[0][1:]), &first) != nil || first.PID == "" {
					t.Fatalf("CONNECT reply %q", reply)
				}
				if err := s.To("room").Emit("a", 1); err != nil {
					t.Fatal(err)
				}
				got := tc.settle()
				m := eventWithOffset.FindStringSubmatch(got[0])
				if m == nil {
					t.Fatalf("event %q carries no offset", got)
				}
				offset := m[2]
				if tt.offset != "" {
					offset = tt.offset
				}
				tt.cut(tc)
				synctest.Wait()
				for _, e := range []struct{ room, event string }{{"room", "missed1"}, {"other", "x"}, {"", "missed2"}} {
					op := s.main().operator()
					if e.room != "" {
						op = op.To(e.room)
					}
					if err := op.Emit(e.event); err != nil {
						t.Fatal(err)
					}
				}
				if err := s.Volatile().Emit("volatile"); err != nil {
					t.Fatal(err)
				}
				time.Sleep(tt.wait)
				middlewares = 0
				tc2 := dial(t, s)
				tc2.send(fmt.Sprintf(`0{"pid":%q,"offset":%q}`, first.PID, offset))
				got = tc2.settle()
				var second struct{ SID, PID string }
				if len(got) == 0 || json.Unmarshal([]byte(got[0][1:]), &second) != nil {
					t.Fatalf("CONNECT reply %q", got)
				}
				so := s.main().Sockets()[0]
				if so.Recovered() != tt.recovered || (second.SID == first.SID) != tt.recovered || (second.PID == first.PID) != tt.recovered {
					t.Fatalf("recovered=%v, sid %s -> %s, pid %s -> %s", so.Recovered(), first.SID, second.SID, first.PID, second.PID)
				}
				if middlewares != tt.middlewares {
					t.Fatalf("%d middleware calls, want %d", middlewares, tt.middlewares)
				}
				if !tt.recovered {
					if len(got) != 1 {
						t.Fatalf("sent %q after a fresh CONNECT", got)
					}
					return
				}
				var events []string
				for _, msg := range got[1:] {
					if m := eventWithOffset.FindStringSubmatch(msg); m != nil {
						events = append(events, m[1])
					} else {
						t.Fatalf("replayed %q without offset", msg)
					}
				}
				if !slices.Equal(events, []string{"missed1", "missed2"}) {
					t.Fatalf("replayed %q", got[1:])
				}
				if so.Data() != "d" || !slices.Contains(so.Rooms(), "room") || !slices.Contains(so.Rooms(), so.ID()) {
					t.Fatalf("data %v, rooms %q", so.Data(), so.Rooms())
				}
				// The session is gone once recovered.
				tc3 := dial(t, s)
				tc3.send(fmt.Sprintf(`0{"pid":%q,"offset":%q}`, first.PID, offset))
				if got := tc3.settle(); len(got) != 1 || json.Unmarshal([]byte(got[0][1:]), &second) != nil || second.SID == first.SID {
					t.Fatalf("second recovery: %q", got)
				}
			})
		})
	}
}

func TestRecoveryStoreBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRecoveryStore(&RecoveryOptions{MaxDisconnectionDuration: time.Minute, MaxPackets: 3})
		opts := &BroadcastOptions{}
		p := &eventPacketForTest
		for range 10 {
			r.store(p, opts)
		}
		if n := len(r.packets) - r.head; n != 3 {
			t.Fatalf("%d packets kept, want 3", n)
		}
		time.Sleep(2 * time.Minute)
		r.store(p, opts)
		if n := len(r.packets) - r.head; n != 1 {
			t.Fatalf("%d packets kept after expiry, want 1", n)
		}
	})
}

var eventPacketForTest = func() parser.Packet {
	p, _ := eventPacket("/", "e", nil)
	return *p
}()

// TestRecoveryReplaysEverythingKept: a client that missed far more packets
// than the Engine.IO send queue holds gets every one of them, in order, at
// the pace it reads them, and the packets sent to it during the replay
// after them; its connection stays open. More packets sent during the
// replay than the send queue takes close the connection.
func TestRecoveryReplaysEverythingKept(t *testing.T) {
	const missed, sendQueue = 5000, 64
	tests := []struct {
		name   string
		live   int
		closed bool
	}{
		{name: "live packets held behind the replay", live: 3},
		{name: "more live packets than the send queue takes", live: sendQueue + 1, closed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, &Options{
					ConnectionStateRecovery: &RecoveryOptions{},
					Engine:                  &engineio.Options{SendQueueSize: sendQueue},
				})
				s.OnConnection(func(_ context.Context, so *Socket, _ []byte) error {
					if !so.Recovered() {
						so.Join("room")
					}
					return nil
				})
				tc := dial(t, s)
				tc.send("0")
				var first struct{ SID, PID string }
				if reply := tc.settle(); len(reply) != 1 || json.Unmarshal([]byte(reply[0][1:]), &first) != nil {
					t.Fatalf("CONNECT reply %q", reply)
				}
				if err := s.To("room").Emit("a"); err != nil {
					t.Fatal(err)
				}
				m := eventWithOffset.FindStringSubmatch(tc.settle()[0])
				tc.conn.closeWith(engineio.ReasonTransportClose)
				synctest.Wait()
				for i := range missed {
					if err := s.To("room").Emit("m", i); err != nil {
						t.Fatal(err)
					}
				}
				tc2 := dial(t, s)
				tc2.conn.limit = sendQueue
				tc2.send(fmt.Sprintf(`0{"pid":%q,"offset":%q}`, first.PID, m[2]))
				synctest.Wait()
				for i := range tt.live { // sent during the replay: after it
					if err := s.To("room").Emit("live", i); err != nil {
						t.Fatal(err)
					}
				}
				var got []string
				for {
					synctest.Wait()
					batch := tc2.conn.take()
					if len(batch) == 0 {
						break
					}
					if len(batch) > sendQueue {
						t.Fatalf("%d messages queued at once, beyond the send queue", len(batch))
					}
					got = append(got, batch...)
				}
				if tc2.conn.isClosed() != tt.closed {
					t.Fatalf("connection closed: %v (%s) after %d messages, want %v", tc2.conn.isClosed(), tc2.conn.reason, len(got), tt.closed)
				}
				if tt.closed {
					return
				}
				if len(got) != 1+missed+tt.live || !strings.HasPrefix(got[0], "0{") {
					t.Fatalf("got %d messages, want the CONNECT reply, %d missed packets and %d live ones", len(got), missed, tt.live)
				}
				for i, msg := range got[1:] {
					want := fmt.Sprintf(`2["m",%d,`, i)
					if i >= missed {
						want = fmt.Sprintf(`2["live",%d,`, i-missed)
					}
					if eventWithOffset.FindStringSubmatch(msg) == nil || !strings.HasPrefix(msg, want) {
						t.Fatalf("message %d = %q, want %s...", i+1, msg, want)
					}
				}
			})
		})
	}
}

// TestRecoveryStoreBytesBound: the kept packets are bounded in bytes too;
// the oldest go first, and a packet larger than the bound is not kept (a
// client whose offset is gone is not recovered, never recovered with a
// gap).
func TestRecoveryStoreBytesBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const maxBytes = 1000
		r := newRecoveryStore(&RecoveryOptions{MaxDisconnectionDuration: time.Minute, MaxPackets: 1000, MaxBytes: maxBytes})
		opts := &BroadcastOptions{}
		r.persist(&SessionState{SID: "s", PID: "p"})
		p, _ := eventPacket("/", "e", []any{strings.Repeat("x", 80)})
		for range 50 {
			r.store(p, opts)
		}
		kept := len(r.packets) - r.head
		if r.bytes > maxBytes || kept == 0 || kept == 50 {
			t.Fatalf("%d packets of %d bytes kept, want at most %d bytes", kept, r.bytes, maxBytes)
		}
		sum := 0
		for _, sp := range r.packets[r.head:] {
			sum += sp.size
		}
		if sum != r.bytes {
			t.Fatalf("bytes %d, sum of the kept packets %d", r.bytes, sum)
		}
		oldest := r.packets[r.head].offset
		if st := r.restore("p", oldest); st == nil || len(st.MissedPackets) != kept-1 {
			t.Fatalf("restore from the oldest kept packet: %+v", st)
		}
		r.persist(&SessionState{SID: "s", PID: "p"})
		big, _ := eventPacket("/", "e", []any{strings.Repeat("y", maxBytes)})
		r.store(big, opts)
		if n := len(r.packets) - r.head; n != 0 || r.bytes != 0 {
			t.Fatalf("%d packets (%d bytes) kept after one larger than MaxBytes, want none", n, r.bytes)
		}
		if st := r.restore("p", oldest); st != nil {
			t.Fatal("recovered although a packet after the offset was not kept")
		}
	})
}
