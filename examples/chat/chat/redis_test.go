package chat_test

import (
	"net/http/httptest"
	"reflect"
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
	a := dialChatter(t, startShared(t, r.Addr), "alice", nil)
	b := dialChatter(t, startShared(t, r.Addr), "bob", nil)

	// A join's user-joined notice is published asynchronously, so it can
	// reach the other server after a later join there (pub/sub orders
	// nothing across servers; Node's adapter behaves the same): expect
	// skips such notices and checks everything else exactly. An event
	// that crossed Redis is decoded as any other: its object's keys come
	// back sorted (msgpack decodes it to a Go map), which a client does
	// not see.
	expect := func(c *chatter, event string, want ...any) {
		t.Helper()
		for range 3 {
			e := c.next()
			if e.Name == chat.EventsUserJoinedEvent && event != e.Name {
				continue
			}
			if got := decodeLike(t, e, want); e.Name != event || !reflect.DeepEqual(got, want) {
				t.Fatalf("received %s %#v, want %s %#v", e.Name, got, event, want)
			}
			return
		}
		t.Fatalf("did not receive %s %v", event, want)
	}
	ok := chat.Result{OK: true}
	if res := a.call(chat.ChatJoinEvent, "r"); res != ok {
		t.Fatalf("alice join: %+v", res)
	}
	expect(a, chat.EventsJoinedEvent, "r", []chat.Message{})
	if res := b.call(chat.ChatJoinEvent, "r"); res != ok {
		t.Fatalf("bob join: %+v", res)
	}
	expect(b, chat.EventsJoinedEvent, "r", []chat.Message{})
	expect(a, chat.EventsUserJoinedEvent, "r", "bob")

	b.emit(chat.ChatTypingEvent, "r", true)
	expect(a, chat.EventsTypingEvent, "r", "bob", true)

	if res := a.call(chat.ChatMessageEvent, "r", "across"); res != (chat.Result{OK: true, ID: 1}) {
		t.Fatalf("alice message: %+v", res)
	}
	expect(b, chat.EventsMessageEvent, "r", chat.Message{ID: 1, Room: "r", User: "alice", Text: "across", Time: 1_700_000_000_000})
}
