package streams_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/streams"
)

// TestEmitter drives two servers' clients from an emitter: broadcasts to
// rooms with exceptions, binary, room changes, server-side events and
// disconnection, each arriving in the order written.
func TestEmitter(t *testing.T) {
	c := startCluster(t, []string{"websocket"}, nil)
	ctx := t.Context()
	e := streams.NewEmitter(c.rc, nil)
	var (
		mu    sync.Mutex // guards notes
		notes []string
	)
	for _, n := range c.nodes {
		n.srv.Of("/").OnServerSideEmit("note", func(_ context.Context, args *socketio.Args, ack socketio.AckFunc) {
			var s string
			_ = args.Decode(0, &s)
			mu.Lock()
			notes = append(notes, s)
			mu.Unlock()
		})
	}
	steps := []struct {
		name string
		do   func() error
		want [][]string
	}{
		{"all", func() error { return e.Emit(ctx, "all", "a") }, [][]string{{"all:a"}, {"all:a"}, {"all:a"}}},
		{"red except c1", func() error { return e.To("red").Except("c1").Emit(ctx, "x", "b") }, [][]string{{"x:b"}, {}, {}}},
		{"binary to blue", func() error { return e.In("blue").Emit(ctx, "bin", []byte("z")) }, [][]string{{}, {}, {"bin:bin:z"}}},
		{"join then emit", func() error {
			if err := e.In("c2").SocketsJoin(ctx, "green"); err != nil {
				return err
			}
			return e.To("green").Emit(ctx, "g", "in")
		}, [][]string{{}, {}, {"g:in"}}},
		{"leave then emit", func() error {
			if err := e.In("c2").SocketsLeave(ctx, "green"); err != nil {
				return err
			}
			return e.To("green").Emit(ctx, "g", "out")
		}, [][]string{{}, {}, {}}},
		{"volatile", func() error { return e.Volatile().Emit(ctx, "v", "c") }, [][]string{{"v:c"}, {"v:c"}, {"v:c"}}},
		{"other namespace", func() error { return e.Of("chat").Emit(ctx, "all", "no") }, [][]string{{}, {}, {}}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.do(); err != nil {
				t.Fatal(err)
			}
			// The marker goes through the stream too, after the step.
			check(t, st.name, c.settleBy(t, func(m string) error { return e.Emit(ctx, "marker", m) }), st.want)
		})
	}
	t.Run("server-side", func(t *testing.T) {
		if err := e.ServerSideEmit(ctx, "note", "n1"); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(wait)
		for {
			mu.Lock()
			got := len(notes)
			mu.Unlock()
			if got == 3 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("server-side event reached %d servers, want 3", got)
			}
			time.Sleep(10 * time.Millisecond)
		}
		check(t, "notes", notes, []string{"n1", "n1", "n1"})
	})
	t.Run("refused", func(t *testing.T) {
		if err := e.ServerSideEmit(ctx, "note", []byte("x")); !errors.Is(err, streams.ErrBinaryServerSideEmit) {
			t.Errorf("binary ServerSideEmit = %v", err)
		}
		if err := e.Emit(ctx, "disconnect"); !errors.Is(err, streams.ErrReservedEvent) {
			t.Errorf("Emit(disconnect) = %v", err)
		}
	})
	t.Run("disconnect", func(t *testing.T) {
		gone := make(chan string, 1)
		c.peers[1].s.OnDisconnect(func(reason string) { gone <- reason })
		if err := e.In("c1").DisconnectSockets(ctx, false); err != nil {
			t.Fatal(err)
		}
		select {
		case r := <-gone:
			check(t, "reason", r, "io server disconnect")
		case <-time.After(wait):
			t.Fatal("c1 not disconnected")
		}
	})
}
