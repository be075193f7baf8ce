package chat_test

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/examples/chat/chat"
	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
)

// startShared serves a chat whose rooms are shared through the Redis at
// addr, as `go run ./examples/chat -redis addr` does.
func startShared(t *testing.T, addr string) *httptest.Server {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { _ = rdb.Close() })
	return startWith(t, &chat.Options{SocketIO: &socketio.Options{Adapter: redisadapter.New(rdb, nil)}})
}

// TestTwoProcessesShareOneChat runs two chat servers on one Redis, a user
// on each: joins, typing and messages cross from one server to the other.
func TestTwoProcessesShareOneChat(t *testing.T) {
	r := redistest.Start(t)
	a := connect(t, startShared(t, r.Addr), "alice")
	b := connect(t, startShared(t, r.Addr), "bob")

	// Packets compare as JSON values: an object that crossed Redis comes
	// back with its keys sorted (msgpack decodes it to a Go map).
	//
	// A join's user-joined notice is published asynchronously, so it can
	// reach the other server after a later join there (pub/sub orders
	// nothing across servers; Node's adapter behaves the same): expect
	// skips such notices and checks everything else exactly.
	expect := func(c *pollClient, want string) {
		t.Helper()
		for range 3 {
			got := c.next()
			if sameJSONPacket(got, want) {
				return
			}
			if !strings.HasPrefix(got, `2["user-joined",`) {
				t.Fatalf("got %s, want %s", got, want)
			}
		}
		t.Fatalf("did not receive %s", want)
	}
	if _, ack := a.call(chat.ChatJoinEvent, "r"); ack != `[{"ok":true}]` {
		t.Fatalf("alice join: %s", ack)
	}
	if _, ack := b.call(chat.ChatJoinEvent, "r"); ack != `[{"ok":true}]` {
		t.Fatalf("bob join: %s", ack)
	}
	expect(a, `2["user-joined","r","bob"]`)

	b.emit(false, chat.ChatTypingEvent, "r", true)
	expect(a, `2["typing","r","bob",true]`)

	if _, ack := a.call(chat.ChatMessageEvent, "r", "across"); ack != `[{"ok":true,"id":1}]` {
		t.Fatalf("alice message: %s", ack)
	}
	expect(b, `2["message","r",{"id":1,"room":"r","user":"alice","text":"across","time":1700000000000}]`)
}

// sameJSONPacket reports whether two Engine.IO message packets ("2" + JSON)
// hold equal JSON values.
func sameJSONPacket(a, b string) bool {
	if !strings.HasPrefix(a, "2") || !strings.HasPrefix(b, "2") {
		return a == b
	}
	var va, vb any
	if json.Unmarshal([]byte(a[1:]), &va) != nil || json.Unmarshal([]byte(b[1:]), &vb) != nil {
		return a == b
	}
	return reflect.DeepEqual(va, vb)
}
