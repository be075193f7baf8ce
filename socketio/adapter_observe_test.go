package socketio_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/siogo/sio/socketio"
)

// TestObserveAdapter checks that Namespace.ObserveAdapterMessage and
// ObserveAdapterError reach the (merged) observers with the direction,
// and with kinds and ops bounded to their fixed sets, and that they do
// nothing without hooks.
func TestObserveAdapter(t *testing.T) {
	var got []string
	rec := func(tag string) *socketio.Observer {
		return &socketio.Observer{
			AdapterMessage: func(nsp *socketio.Namespace, direction, kind string) {
				got = append(got, tag+" "+nsp.Name()+" "+direction+" "+kind)
			},
			AdapterError: func(nsp *socketio.Namespace, op string, err error) {
				got = append(got, tag+" "+nsp.Name()+" error "+op+" "+err.Error())
			},
		}
	}
	srv := socketio.NewServer(&socketio.Options{Observer: socketio.MergeObservers(rec("a"), rec("b"))})
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	nsp := srv.Of("/chat")
	var an socketio.AdapterNamespace = nsp // what an adapter sees
	boom := errors.New("boom")
	tests := []struct {
		name string
		do   func()
		want string // a's line; b's is the same
	}{
		{"out", func() { an.ObserveAdapterMessage(true, "BROADCAST") }, "/chat out BROADCAST"},
		{"in", func() { an.ObserveAdapterMessage(false, "FETCH_SOCKETS_RESPONSE") }, "/chat in FETCH_SOCKETS_RESPONSE"},
		{"classic", func() { an.ObserveAdapterMessage(false, "REMOTE_FETCH") }, "/chat in REMOTE_FETCH"},
		{"untyped response", func() { an.ObserveAdapterMessage(false, socketio.AdapterKindResponse) }, "/chat in RESPONSE"},
		{"unknown kind", func() { an.ObserveAdapterMessage(false, "RequestType(42)") }, "/chat in other"},
		{"lower case", func() { an.ObserveAdapterMessage(false, "broadcast") }, "/chat in other"},
		{"empty kind", func() { an.ObserveAdapterMessage(true, "") }, "/chat out other"},
		{"decode", func() { an.ObserveAdapterError(socketio.AdapterOpDecode, boom) }, "/chat error decode boom"},
		{"timeout", func() { an.ObserveAdapterError(socketio.AdapterOpRequestTimeout, boom) }, "/chat error request_timeout boom"},
		{"unknown op", func() { an.ObserveAdapterError("made up", boom) }, "/chat error other boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got = got[:0]
			tc.do()
			if want := []string{"a " + tc.want, "b " + tc.want}; !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
	t.Run("no hooks", func(t *testing.T) {
		srv := socketio.NewServer(&socketio.Options{Observer: &socketio.Observer{}})
		t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
		srv.Of("/").ObserveAdapterMessage(true, "BROADCAST")
		srv.Of("/").ObserveAdapterError(socketio.AdapterOpPublish, boom)
		if n := testing.AllocsPerRun(100, func() { srv.Of("/").ObserveAdapterMessage(true, "BROADCAST") }); n != 0 {
			t.Errorf("%v allocations without hooks", n)
		}
	})
}

// TestAdapterKind checks the bound of the kinds.
func TestAdapterKind(t *testing.T) {
	for _, k := range []string{
		"INITIAL_HEARTBEAT", "HEARTBEAT", "BROADCAST", "SOCKETS_JOIN", "SOCKETS_LEAVE", "DISCONNECT_SOCKETS",
		"FETCH_SOCKETS", "FETCH_SOCKETS_RESPONSE", "SERVER_SIDE_EMIT", "SERVER_SIDE_EMIT_RESPONSE",
		"BROADCAST_CLIENT_COUNT", "BROADCAST_ACK", "ADAPTER_CLOSE",
		"SOCKETS", "ALL_ROOMS", "REMOTE_JOIN", "REMOTE_LEAVE", "REMOTE_DISCONNECT", "REMOTE_FETCH", "RESPONSE",
	} {
		if got := socketio.AdapterKind(k); got != k {
			t.Errorf("AdapterKind(%q) = %q", k, got)
		}
	}
	for _, k := range []string{"", "other", "NONE", "MessageType(99)", "BROADCAST ", "\x00"} {
		if got := socketio.AdapterKind(k); got != socketio.AdapterKindOther {
			t.Errorf("AdapterKind(%q) = %q, want other", k, got)
		}
	}
}
