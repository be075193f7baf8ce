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
// refused, and what the caller receives before it.
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
// left, and user-left on leave and on disconnect.
func TestRoom(t *testing.T) {
	hs := start(t, chat.Limits{})
	a := connect(t, hs, "alice")
	b := connect(t, hs, "") // anon
	outsider := connect(t, hs, "carol")

	expect := func(c *pollClient, want string) {
		t.Helper()
		if got := c.next(); got != want {
			t.Fatalf("got %s, want %s", got, want)
		}
	}
	mustAck := func(c *pollClient, want string, args ...any) {
		t.Helper()
		_, ack := c.call(args...)
		if ack != want {
			t.Fatalf("%v acknowledged %s, want %s", args, ack, want)
		}
	}

	mustAck(a, `[{"ok":true}]`, chat.ChatJoinEvent, "r")
	mustAck(b, `[{"ok":true}]`, chat.ChatJoinEvent, "r")
	expect(a, `2["user-joined","r","anon"]`)

	b.emit(false, chat.ChatTypingEvent, "r", true)
	expect(a, `2["typing","r","anon",true]`)
	outsider.emit(false, chat.ChatTypingEvent, "r", true) // not in r: ignored

	mustAck(a, `[{"ok":true,"id":1}]`, chat.ChatMessageEvent, "r", "one")
	msg1 := `2["message","r",{"id":1,"room":"r","user":"alice","text":"one","time":1700000000000}]`
	expect(b, msg1)

	mustAck(b, `[{"ok":true}]`, chat.ChatLeaveEvent, "r")
	expect(a, `2["user-left","r","anon"]`)
	mustAck(a, `[{"ok":true,"id":2}]`, chat.ChatMessageEvent, "r", "two")

	// b is no longer in r: the next thing it receives is its own join's
	// answer, with "two" in the history but not delivered live.
	before, ack := b.call(chat.ChatJoinEvent, "r")
	if ack != `[{"ok":true}]` || len(before) != 1 || !strings.Contains(before[0], `"text":"two"`) || !strings.HasPrefix(before[0], `2["joined","r",[`) {
		t.Fatalf("rejoin: %q then %s", before, ack)
	}
	expect(a, `2["user-joined","r","anon"]`)

	// The outsider never received anything: its first packet is its own
	// join's answer, with both messages in the history.
	before, _ = outsider.call(chat.ChatJoinEvent, "r")
	if len(before) != 1 || !strings.Contains(before[0], `"text":"one"`) || !strings.Contains(before[0], `"text":"two"`) {
		t.Fatalf("outsider received %q", before)
	}
	expect(a, `2["user-joined","r","carol"]`)
	expect(b, `2["user-joined","r","carol"]`)

	// Disconnecting tells the room.
	outsider.close()
	expect(a, `2["user-left","r","carol"]`)
	expect(b, `2["user-left","r","carol"]`)
}

// TestConnectRejectsLongName checks the connect_error of a user name over
// the limit.
func TestConnectRejectsLongName(t *testing.T) {
	hs := start(t, chat.Limits{Username: 4})
	_, answer := dial(t, hs, `{"username":"alice"}`)
	if want := `4{"message":"invalid user name","data":{"maxUsername":4}}`; answer != want {
		t.Fatalf("connect answered %s, want %s", answer, want)
	}
}

// TestHistoryBound checks that a joiner gets the last Limits.History
// messages, oldest first.
func TestHistoryBound(t *testing.T) {
	hs := start(t, chat.Limits{History: 3})
	a := connect(t, hs, "alice")
	a.call(chat.ChatJoinEvent, "r")
	for i := 1; i <= 5; i++ {
		a.call(chat.ChatMessageEvent, "r", fmt.Sprint("m", i))
	}
	b := connect(t, hs, "bob")
	before, _ := b.call(chat.ChatJoinEvent, "r")
	want := `2["joined","r",[` +
		`{"id":3,"room":"r","user":"alice","text":"m3","time":1700000000000},` +
		`{"id":4,"room":"r","user":"alice","text":"m4","time":1700000000000},` +
		`{"id":5,"room":"r","user":"alice","text":"m5","time":1700000000000}]]`
	if len(before) != 1 || before[0] != want {
		t.Fatalf("joined: %q\nwant %s", before, want)
	}
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
