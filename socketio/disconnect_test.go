package socketio

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/siogo/sio/engineio"
)

func TestDisconnectReasons(t *testing.T) {
	tests := []struct {
		name       string
		do         func(s *Server, tc *testClient, so *Socket)
		want       DisconnectReason
		wantSent   []string
		wantClosed bool
	}{
		{"client namespace disconnect", func(_ *Server, tc *testClient, _ *Socket) { tc.send("1") }, ReasonClientDisconnect, nil, false},
		{"server namespace disconnect", func(_ *Server, _ *testClient, so *Socket) { so.Disconnect(false) }, ReasonServerDisconnect, []string{"1"}, false},
		{"server disconnect with close", func(_ *Server, _ *testClient, so *Socket) { so.Disconnect(true) }, ReasonServerDisconnect, []string{"1", "1/chat,"}, true},
		{"transport close", func(_ *Server, tc *testClient, _ *Socket) { tc.conn.closeWith(engineio.ReasonTransportClose) }, ReasonTransportClose, nil, true},
		{"ping timeout", func(_ *Server, tc *testClient, _ *Socket) { tc.conn.closeWith(engineio.ReasonPingTimeout) }, ReasonPingTimeout, nil, true},
		{"transport error", func(_ *Server, tc *testClient, _ *Socket) { tc.conn.closeWith(engineio.ReasonTransportError) }, ReasonTransportError, nil, true},
		{"forced close", func(_ *Server, _ *testClient, so *Socket) { so.CloseConn() }, ReasonForcedClose, nil, true},
		{"parse error", func(_ *Server, tc *testClient, _ *Socket) { tc.send("9garbage") }, ReasonParseError, nil, true},
		{"invalid state", func(_ *Server, tc *testClient, _ *Socket) { tc.send("2/other,[\"e\"]") }, ReasonForcedServerClose, nil, true},
		{"server shutting down", func(s *Server, _ *testClient, _ *Socket) { _ = s.Shutdown(context.Background()) }, ReasonServerShuttingDown, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, nil)
				s.Of("/chat")
				tc := dial(t, s)
				so := tc.connect("/")
				chat := tc.connect("/chat")
				var mu sync.Mutex
				var log []string
				record := func(what string) DisconnectHandler {
					return func(_ context.Context, s *Socket, r DisconnectReason) {
						mu.Lock()
						defer mu.Unlock()
						log = append(log, what+" "+s.Namespace().Name()+" "+string(r)+" rooms="+joinRooms(s.Rooms()))
					}
				}
				so.Join("room")
				so.OnDisconnecting(record("disconnecting"))
				so.OnDisconnect(record("disconnect"))
				chat.OnDisconnect(record("disconnect"))
				tt.do(s, tc, so)
				sent := tc.settle()
				slices.Sort(sent)
				if tt.wantSent != nil && !slices.Equal(sent, tt.wantSent) {
					t.Fatalf("sent %q, want %q", sent, tt.wantSent)
				}
				if so.Connected() || so.Context().Err() == nil {
					t.Fatal("socket still connected")
				}
				mu.Lock()
				defer mu.Unlock()
				mine := slices.DeleteFunc(slices.Clone(log), func(l string) bool { return strings.Contains(l, "/chat") })
				if len(mine) != 2 || mine[0] != "disconnecting / "+string(tt.want)+" rooms=room,"+so.ID() && mine[0] != "disconnecting / "+string(tt.want)+" rooms="+so.ID()+",room" {
					t.Fatalf("log %q", log)
				}
				if mine[1] != "disconnect / "+string(tt.want)+" rooms=" {
					t.Fatalf("log %q", log)
				}
				if got := tc.conn.isClosed(); got != tt.wantClosed {
					t.Fatalf("connection closed = %v, want %v", got, tt.wantClosed)
				}
				chatGone := slices.Contains(log, "disconnect /chat "+string(tt.want)+" rooms=")
				if tt.wantClosed != chatGone && tt.name != "server disconnect with close" {
					t.Fatalf("other namespace: log %q", log)
				}
				if tt.name == "server disconnect with close" && !slices.Contains(log, "disconnect /chat "+string(ReasonServerDisconnect)+" rooms=") {
					t.Fatalf("other namespace: log %q", log)
				}
			})
		})
	}
}

func joinRooms(rooms []string) string {
	out := ""
	for i, r := range rooms {
		if i > 0 {
			out += ","
		}
		out += r
	}
	return out
}

func TestMalformedPacketClosesOnlyItsClient(t *testing.T) {
	inputs := []struct {
		name string
		msgs []string
	}{
		{"unknown type", []string{"9"}},
		{"bad json", []string{`2["e",`}},
		{"unexpected binary", []string{"\x00bin"}},
		{"text while awaiting attachment", []string{`51-["e",{"_placeholder":true,"num":0}]`, `2["e"]`}},
		{"reserved event", []string{`2["connect"]`}},
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, nil)
				bad, good := dial(t, s), dial(t, s)
				bad.connect("/")
				goodSock := good.connect("/")
				for _, m := range in.msgs {
					if m[0] == 0 {
						bad.c.onMessage(engineio.Message{Data: []byte(m[1:]), Binary: true})
					} else {
						bad.send(m)
					}
				}
				synctest.Wait()
				if !bad.conn.isClosed() {
					t.Fatal("bad client not closed")
				}
				if good.conn.isClosed() || !goodSock.Connected() {
					t.Fatal("other client affected")
				}
				if err := s.Emit("still"); err != nil {
					t.Fatal(err)
				}
				if got := good.settle(); !slices.Equal(got, []string{`2["still"]`}) {
					t.Fatalf("other client got %q", got)
				}
			})
		})
	}
}
