package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/examples/chat/chat"
	"github.com/siogo/sio/examples/chat/chatclient"
	"github.com/siogo/sio/internal/redistest"
)

// runMainEnv, set in the environment, makes the test binary run main with
// the command line it holds (arguments separated by newlines) instead of
// the tests (TestExitStatus).
const runMainEnv = "SIO_CHAT_TEST_MAIN"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(runMainEnv); ok {
		os.Args = []string{"chat"}
		if args != "" {
			os.Args = append(os.Args, strings.Split(args, "\n")...)
		}
		main()
		os.Exit(0)
	}
	// The chat's connection logs and run's shutdown lines.
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	goleak.VerifyTestMain(m)
}

// step bounds each wait of a test.
const step = 10 * time.Second

// startChat runs the command with args (and -addr 127.0.0.1:0 and a
// stand-in socket.io-client bundle) until the test ends, and returns its
// URL. The test fails if it does not stop cleanly.
func startChat(t *testing.T, args ...string) string {
	t.Helper()
	bundle := filepath.Join(t.TempDir(), "socket.io.min.js")
	if err := os.WriteFile(bundle, []byte("/* bundle */"), 0o644); err != nil {
		t.Fatal(err)
	}
	args = append([]string{"-addr", "127.0.0.1:0", "-bundle", bundle}, args...)
	cfg, err := parseConfig(args, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan net.Addr, 1)
	stopped := make(chan error, 1)
	go func() { stopped <- run(ctx, cfg, func(a net.Addr) { listening <- a }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-stopped; err != nil {
			t.Errorf("chat %s: %v", strings.Join(args, " "), err)
		}
	})
	select {
	case a := <-listening:
		return "http://" + a.String()
	case err := <-stopped:
		t.Fatalf("chat %s: %v", strings.Join(args, " "), err)
	case <-time.After(step):
		t.Fatalf("chat %s: not listening after %v", strings.Join(args, " "), step)
	}
	panic("unreachable")
}

// dialChat connects a typed chat client named user to url and joins room;
// messages receives what the room's message events carry.
func dialChat(t *testing.T, url, user, room string) (*chatclient.ChatClient, <-chan chat.Message) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), step)
	defer cancel()
	m, err := client.Dial(ctx, url, &client.Options{Transports: []string{"websocket"}, DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		m.Close()
		<-m.Done()
	})
	c := chatclient.NewChatClient(m)
	messages := make(chan chat.Message, 100)
	c.OnError(func(err error) { t.Errorf("%s: %v", user, err) })
	c.OnMessage(func(_ string, msg chat.Message) {
		select {
		case messages <- msg:
		default: // the test has what it needs
		}
	})
	if err := c.Connect(ctx, &chat.Auth{Username: user}); err != nil {
		t.Fatal(err)
	}
	if res, err := c.Join(ctx, room, nil); err != nil || !res.OK {
		t.Fatalf("%s joins %s: %+v, %v", user, room, res, err)
	}
	return c, messages
}

// TestChatsShareRooms runs the command twice on one redis-server for each
// adapter -adapter accepts (the second with -redis as a redis:// URL), a
// user on each process in one room: what alice posts on the first reaches
// bob on the second.
func TestChatsShareRooms(t *testing.T) {
	redistest.Require(t)
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			r := redistest.Start(t)
			urlA := startChat(t, "-adapter", a.name, "-redis", r.Addr)
			urlB := startChat(t, "-adapter", a.name, "-redis", "redis://"+r.Addr+"/0")
			alice, _ := dialChat(t, urlA, "alice", "lobby")
			_, bob := dialChat(t, urlB, "bob", "lobby")

			// A server subscribes to the Redis channels of a room when its
			// first socket joins, and a broadcast published before Redis
			// has the subscription does not reach it (Node's adapters
			// behave the same): alice posts until bob gets one.
			ctx, cancel := context.WithTimeout(context.Background(), step)
			defer cancel()
			posted := map[string]bool{}
			for i := 1; ; i++ {
				text := fmt.Sprintf("hello %d", i)
				if res, err := alice.Message(ctx, "lobby", text); err != nil || !res.OK {
					t.Fatalf("alice posts: %+v, %v", res, err)
				}
				posted[text] = true
				select {
				case msg := <-bob:
					if msg.User != "alice" || msg.Room != "lobby" || !posted[msg.Text] {
						t.Fatalf("bob got %+v, want one of alice's posts in lobby", msg)
					}
					return
				case <-time.After(100 * time.Millisecond):
				case <-ctx.Done():
					t.Fatalf("bob got none of alice's %d posts", len(posted))
				}
			}
		})
	}
}

// TestRedisUnreachable: a Redis that does not answer makes run fail with a
// message naming it, before listening.
func TestRedisUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel() // go-redis retries the dial for a while
			cfg, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-adapter", a.name, "-redis", addr}, func(string) string { return "" }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			err = run(context.Background(), cfg, func(net.Addr) { t.Error("listening without Redis") })
			if err == nil || !strings.Contains(err.Error(), "chat: Redis at "+addr) {
				t.Fatalf("run: %v, want an error naming the Redis at %s", err, addr)
			}
		})
	}
}
