package shardch

import (
	"testing"

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
