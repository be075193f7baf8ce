package shardch

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogo/sio/socketio/redisadapter/internal/cluster"
)

func TestPublish(t *testing.T) {
	const ns = "socket.io#/#"
	sid := "abcdefghij0123456789" // 20 characters
	one := func(room string) *cluster.Opts { return &cluster.Opts{Rooms: []string{room}} }
	tests := []struct {
		name string
		mode string
		m    *cluster.Message
		want string
	}{
		{"static room", Static, &cluster.Message{Type: cluster.Broadcast, Opts: one("r")}, ns},
		{"dynamic room", Dynamic, &cluster.Message{Type: cluster.Broadcast, Opts: one("r")}, ns + "r#"},
		{"dynamic socket id", Dynamic, &cluster.Message{Type: cluster.Broadcast, Opts: one(sid)}, ns},
		{"private socket id", DynamicPrivate, &cluster.Message{Type: cluster.Broadcast, Opts: one(sid)}, ns + sid + "#"},
		{"two rooms", DynamicPrivate, &cluster.Message{Type: cluster.Broadcast, Opts: &cluster.Opts{Rooms: []string{"a", "b"}}}, ns},
		{"with ack", Dynamic, &cluster.Message{Type: cluster.Broadcast, RequestID: "x", Opts: one("r")}, ns},
		{"join", Dynamic, &cluster.Message{Type: cluster.SocketsJoin, Opts: one("r")}, ns},
		{"no opts", Dynamic, &cluster.Message{Type: cluster.ServerSideEmit}, ns},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Publish(Namespace("socket.io", "/"), tc.mode, tc.m); got != tc.want {
				t.Errorf("Publish = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRecent: a room named by a join or leave is broadcast to on the
// namespace's channel during the grace period, on its own channel after;
// past MaxRecent rooms, every room is, until the grace period ends.
func TestRecent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const ns = "p#/#"
		r := &Recent{Grace: time.Second}
		to := func(room string) *cluster.Message {
			return &cluster.Message{Type: cluster.Broadcast, Opts: &cluster.Opts{Rooms: []string{room}}}
		}
		tests := []struct {
			name  string
			note  *cluster.Message
			sleep time.Duration
			room  string
			want  string
		}{
			{"untouched room", nil, 0, "a", ns + "a#"},
			{"after join", &cluster.Message{Type: cluster.SocketsJoin, Rooms: []string{"a", "b"}}, 0, "a", ns},
			{"other room of the join", nil, 0, "b", ns},
			{"grace ends", nil, time.Second, "a", ns + "a#"},
			{"after leave", &cluster.Message{Type: cluster.SocketsLeave, Rooms: []string{"c"}}, 999 * time.Millisecond, "c", ns},
			{"a broadcast is no join", to("d"), 0, "d", ns + "d#"},
		}
		for _, tc := range tests {
			if tc.note != nil {
				r.Note(ns, Dynamic, tc.note)
			}
			time.Sleep(tc.sleep)
			if got := r.Channel(ns, Dynamic, to(tc.room)); got != tc.want {
				t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
			}
		}
		time.Sleep(time.Second)
		rooms := make([]string, MaxRecent+1)
		for i := range rooms {
			rooms[i] = fmt.Sprint("r", i)
		}
		r.Note(ns, Dynamic, &cluster.Message{Type: cluster.SocketsJoin, Rooms: rooms})
		if got := r.Channel(ns, Dynamic, to("never-joined")); got != ns {
			t.Errorf("overflow: %q, want the namespace's channel", got)
		}
		if len(r.until) > MaxRecent {
			t.Errorf("%d rooms remembered, bound %d", len(r.until), MaxRecent)
		}
		time.Sleep(time.Second)
		if got := r.Channel(ns, Dynamic, to("never-joined")); got != ns+"never-joined#" {
			t.Errorf("after overflow: %q", got)
		}
		r.Note(ns, Static, &cluster.Message{Type: cluster.SocketsJoin, Rooms: []string{"s"}})
		if got := r.Channel(ns, Static, to("s")); got != ns {
			t.Errorf("static: %q", got)
		}
	})
}
