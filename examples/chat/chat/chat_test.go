package chat_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/examples/chat/chat"
	"github.com/siogo/sio/examples/chat/web"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fakeBundle writes an empty socket.io.min.js where NewServer looks for
// it, so that these tests do not need npm.
func fakeBundle(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, filepath.FromSlash(web.BundleRel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("/* bundle */"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// start serves a chat with limits and a fixed clock on 127.0.0.1:0.
func start(t *testing.T, limits chat.Limits) *httptest.Server {
	t.Helper()
	return startWith(t, &chat.Options{Limits: limits})
}

// startWith serves a chat with opts, a fake bundle, a quiet logger and a
// fixed clock on 127.0.0.1:0, and shuts it down when the test ends.
func startWith(t *testing.T, opts *chat.Options) *httptest.Server {
	t.Helper()
	o := *opts
	o.WebDir = fakeBundle(t)
	o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	o.Now = func() time.Time { return time.UnixMilli(1_700_000_000_000) }
	srv, err := chat.NewServer(&o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), step)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		hs.Close()
	})
	return hs
}

var sidRE = regexp.MustCompile(`^0\{"sid":"[^"]+"\}$`)

func connect(t *testing.T, hs *httptest.Server, user string) *pollClient {
	t.Helper()
	auth := ""
	if user != "" {
		auth = fmt.Sprintf(`{"username":%q}`, user)
	}
	c, answer := dial(t, hs, auth)
	if !sidRE.MatchString(answer) {
		t.Fatalf("connect as %q answered %q", user, answer)
	}
	return c
}

// TestAcks checks the acknowledgement of each request, accepted and
// refused, and what the caller receives before it, as the exact packets
// the server writes (the chat's wire format: key order, omitted fields,
// times in milliseconds).
func TestAcks(t *testing.T) {
	hs := start(t, chat.Limits{JoinedRooms: 2, Text: 10, RoomName: 8})
	c := connect(t, hs, "alice")
	long := strings.Repeat("x", 11)
	tests := []struct {
		name       string
		args       []any
		wantBefore []string
		wantAck    string
	}{
		{"message before join", []any{chat.ChatMessageEvent, "r1", "hi"}, nil, `[{"ok":false,"error":"not in this room; join it first"}]`},
		{"leave before join", []any{chat.ChatLeaveEvent, "r1"}, nil, `[{"ok":false,"error":"not in this room; join it first"}]`},
		{"join", []any{chat.ChatJoinEvent, "r1"}, []string{`2["joined","r1",[]]`}, `[{"ok":true}]`},
		{"message", []any{chat.ChatMessageEvent, "r1", "hi"},
			[]string{`2["message","r1",{"id":1,"room":"r1","user":"alice","text":"hi","time":1700000000000}]`}, `[{"ok":true,"id":1}]`},
		{"empty text", []any{chat.ChatMessageEvent, "r1", "  "}, nil, `[{"ok":false,"error":"empty message"}]`},
		{"text too long", []any{chat.ChatMessageEvent, "r1", long}, nil, `[{"ok":false,"error":"message too long"}]`},
		{"join again sends history", []any{chat.ChatJoinEvent, "r1", "al"},
			[]string{`2["joined","r1",[{"id":1,"room":"r1","user":"alice","text":"hi","time":1700000000000}]]`}, `[{"ok":true}]`},
		{"renamed", []any{chat.ChatMessageEvent, "r1", "yo"},
			[]string{`2["message","r1",{"id":2,"room":"r1","user":"al","text":"yo","time":1700000000000}]`}, `[{"ok":true,"id":2}]`},
		{"empty room name", []any{chat.ChatJoinEvent, ""}, nil, `[{"ok":false,"error":"invalid room name"}]`},
		{"room name too long", []any{chat.ChatJoinEvent, "123456789"}, nil, `[{"ok":false,"error":"invalid room name"}]`},
		{"user name too long", []any{chat.ChatJoinEvent, "r2", strings.Repeat("u", 33)}, nil, `[{"ok":false,"error":"invalid user name"}]`},
		{"second room", []any{chat.ChatJoinEvent, "r2"}, []string{`2["joined","r2",[]]`}, `[{"ok":true}]`},
		{"third room is one too many", []any{chat.ChatJoinEvent, "r3"}, nil, `[{"ok":false,"error":"in too many rooms; leave one first"}]`},
		{"leave", []any{chat.ChatLeaveEvent, "r2"}, nil, `[{"ok":true}]`},
		{"message after leave", []any{chat.ChatMessageEvent, "r2", "hi"}, nil, `[{"ok":false,"error":"not in this room; join it first"}]`},
		{"third room after leaving one", []any{chat.ChatJoinEvent, "r3"}, []string{`2["joined","r3",[]]`}, `[{"ok":true}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			before, ack := c.call(tt.args...)
			if strings.Join(before, "\n") != strings.Join(tt.wantBefore, "\n") {
				t.Errorf("received before the ack:\n%s\nwant:\n%s", strings.Join(before, "\n"), strings.Join(tt.wantBefore, "\n"))
			}
			if ack != tt.wantAck {
				t.Errorf("ack %s, want %s", ack, tt.wantAck)
			}
		})
	}
	c.t = t
}

// TestRoom checks who receives what: user-joined and typing go to the
// others in the room, messages to the whole room, nothing to a client that
// left, and user-left on leave and on disconnect. It runs over each
// transport, with sio's Go client.
func TestRoom(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			testRoom(t, start(t, chat.Limits{}), &tr.opts)
		})
	}
}

func testRoom(t *testing.T, hs *httptest.Server, opts *client.Options) {
	a := dialChatter(t, hs, "alice", opts)
	b := dialChatter(t, hs, "", opts) // anon
	outsider := dialChatter(t, hs, "carol", opts)
	ok := chat.Result{OK: true}
	mustAck := func(c *chatter, want chat.Result, event string, args ...any) {
		t.Helper()
		if got := c.call(event, args...); got != want {
			t.Fatalf("%s %v acknowledged %+v, want %+v", event, args, got, want)
		}
	}
	msg := func(id int64, user, text string) chat.Message {
		return chat.Message{ID: id, Room: "r", User: user, Text: text, Time: 1_700_000_000_000}
	}

	mustAck(a, ok, chat.ChatJoinEvent, "r")
	a.expect(chat.EventsJoinedEvent, "r", []chat.Message{})
	mustAck(b, ok, chat.ChatJoinEvent, "r")
	b.expect(chat.EventsJoinedEvent, "r", []chat.Message{})
	a.expect(chat.EventsUserJoinedEvent, "r", "anon")

	b.emit(chat.ChatTypingEvent, "r", true)
	a.expect(chat.EventsTypingEvent, "r", "anon", true)
	outsider.emit(chat.ChatTypingEvent, "r", true) // not in r: ignored

	mustAck(a, chat.Result{OK: true, ID: 1}, chat.ChatMessageEvent, "r", "one")
	a.expect(chat.EventsMessageEvent, "r", msg(1, "alice", "one")) // the sender too
	b.expect(chat.EventsMessageEvent, "r", msg(1, "alice", "one"))

	mustAck(b, ok, chat.ChatLeaveEvent, "r")
	a.expect(chat.EventsUserLeftEvent, "r", "anon")
	mustAck(a, chat.Result{OK: true, ID: 2}, chat.ChatMessageEvent, "r", "two")
	a.expect(chat.EventsMessageEvent, "r", msg(2, "alice", "two"))

	// b is no longer in r: the next thing it receives is its own join's
	// answer, with "two" in the history but not delivered live.
	mustAck(b, ok, chat.ChatJoinEvent, "r")
	b.expect(chat.EventsJoinedEvent, "r", []chat.Message{msg(1, "alice", "one"), msg(2, "alice", "two")})
	a.expect(chat.EventsUserJoinedEvent, "r", "anon")

	// The outsider never received anything: its first event is its own
	// join's answer, with both messages in the history.
	mustAck(outsider, ok, chat.ChatJoinEvent, "r")
	outsider.expect(chat.EventsJoinedEvent, "r", []chat.Message{msg(1, "alice", "one"), msg(2, "alice", "two")})
	a.expect(chat.EventsUserJoinedEvent, "r", "carol")
	b.expect(chat.EventsUserJoinedEvent, "r", "carol")

	// Disconnecting tells the room.
	outsider.close()
	a.expect(chat.EventsUserLeftEvent, "r", "carol")
	b.expect(chat.EventsUserLeftEvent, "r", "carol")
}

// TestConnectRejectsLongName checks the connect_error of a user name over
// the limit.
func TestConnectRejectsLongName(t *testing.T) {
	hs := start(t, chat.Limits{Username: 4})
	_, err := tryChatter(t, hs, "alice", nil)
	var ce *client.ConnectError
	if !errors.As(err, &ce) || ce.Message != "invalid user name" || string(ce.Data) != `{"maxUsername":4}` {
		t.Fatalf("connect: %v, want a ConnectError \"invalid user name\" with data {\"maxUsername\":4}", err)
	}
	dialChatter(t, hs, "bob", nil) // within the limit
}

// TestHistoryBound checks that a joiner gets the last Limits.History
// messages, oldest first.
func TestHistoryBound(t *testing.T) {
	hs := start(t, chat.Limits{History: 3})
	a := dialChatter(t, hs, "alice", nil)
	a.call(chat.ChatJoinEvent, "r")
	for i := 1; i <= 5; i++ {
		a.call(chat.ChatMessageEvent, "r", fmt.Sprint("m", i))
	}
	b := dialChatter(t, hs, "bob", nil)
	b.call(chat.ChatJoinEvent, "r")
	var want []chat.Message
	for i := int64(3); i <= 5; i++ {
		want = append(want, chat.Message{ID: i, Room: "r", User: "alice", Text: fmt.Sprint("m", i), Time: 1_700_000_000_000})
	}
	b.expect(chat.EventsJoinedEvent, "r", want)
}

func TestHistory(t *testing.T) {
	now := time.UnixMilli(42)
	tests := []struct {
		name     string
		perRoom  int
		maxRooms int
		appends  []string // "room:text"
		want     map[string]string
	}{
		{"keeps the last perRoom", 2, 10, []string{"a:1", "a:2", "a:3"}, map[string]string{"a": "2,3"}},
		{"rooms apart", 2, 10, []string{"a:1", "b:2", "a:3"}, map[string]string{"a": "1,3", "b": "2"}},
		{"evicts the room with the oldest last message", 5, 2,
			[]string{"a:1", "b:2", "a:3", "c:4"}, map[string]string{"a": "1,3", "b": "", "c": "4"}},
		{"bounds below 1 mean 1", 0, 0, []string{"a:1", "b:2", "b:3"}, map[string]string{"a": "", "b": "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := chat.NewHistory(tt.perRoom, tt.maxRooms)
			var lastID int64
			for _, a := range tt.appends {
				room, text, _ := strings.Cut(a, ":")
				m := h.Append(room, "u", text, now)
				if m.ID <= lastID || m.Room != room || m.Text != text || m.Time != 42 {
					t.Fatalf("Append(%s) = %+v after id %d", a, m, lastID)
				}
				lastID = m.ID
			}
			for room, want := range tt.want {
				var texts []string
				for _, m := range h.Recent(room) {
					texts = append(texts, m.Text)
				}
				if got := strings.Join(texts, ","); got != want {
					t.Errorf("Recent(%s) = %s, want %s", room, got, want)
				}
			}
			if h.Rooms() > max(tt.maxRooms, 1) {
				t.Errorf("%d rooms kept, bound %d", h.Rooms(), tt.maxRooms)
			}
		})
	}
}

// TestHistoryConcurrent appends from many goroutines (run with -race):
// ids stay unique and the bound holds.
func TestHistoryConcurrent(t *testing.T) {
	h := chat.NewHistory(50, 4)
	var wg sync.WaitGroup
	ids := make(chan int64, 8*100)
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				ids <- h.Append(fmt.Sprint("room", (g+i)%6), "u", "t", time.Time{}).ID
				_ = h.Recent("room0")
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := make(map[int64]bool)
	for id := range ids {
		if seen[id] {
			t.Fatalf("id %d given twice", id)
		}
		seen[id] = true
	}
	if h.Rooms() > 4 {
		t.Fatalf("%d rooms kept, bound 4", h.Rooms())
	}
	for r := range 6 {
		if n := len(h.Recent(fmt.Sprint("room", r))); n > 50 {
			t.Fatalf("room%d keeps %d messages, bound 50", r, n)
		}
	}
}

// TestNewServerWithoutBundle checks the error that tells how to install
// the bundle.
func TestNewServerWithoutBundle(t *testing.T) {
	for _, opts := range []*chat.Options{{WebDir: t.TempDir()}, {Bundle: filepath.Join(t.TempDir(), "none.js")}} {
		_, err := chat.NewServer(opts)
		if !errors.Is(err, web.ErrNoBundle) || !strings.Contains(err.Error(), "make demo") {
			t.Errorf("NewServer(%+v) = %v, want ErrNoBundle mentioning make demo", opts, err)
		}
	}
}

// BenchmarkHistoryAppend measures appending to a full room (the copy that
// drops the oldest message) against appending to a fresh room each time
// (map insert and eviction), in the same run.
func BenchmarkHistoryAppend(b *testing.B) {
	now := time.Unix(0, 0)
	b.Run("full-room", func(b *testing.B) {
		h := chat.NewHistory(50, 1000)
		for range 50 {
			h.Append("r", "u", "warm", now)
		}
		b.ReportAllocs()
		for b.Loop() {
			h.Append("r", "u", "hello", now)
		}
	})
	b.Run("new-room-evicting", func(b *testing.B) {
		h := chat.NewHistory(50, 100)
		rooms := make([]string, 1000)
		for i := range rooms {
			rooms[i] = fmt.Sprint("room", i)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			h.Append(rooms[i%len(rooms)], "u", "hello", now)
			i++
		}
	})
}
