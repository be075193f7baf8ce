package interop

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/siogo/sio/socketio"
)

// socketioScenarios are the scenarios js/socketio.mjs runs, each over every
// transport mode.
var socketioScenarios = []string{
	"connect-auth", "reject-with-data", "multi-args", "binary", "acks-client-to-server",
	"acks-server-to-client", "ack-timeouts", "rooms-isolation", "except", "static-namespace",
	"invalid-namespace", "dynamic-namespace", "client-disconnect", "server-disconnect",
	"reconnection", "recovery", "volatile", "catch-all", "broadcast-acks", "cluster-ops",
}

// reasons records the disconnect reason of each socket by the tag its
// client put in the auth payload.
type reasons struct {
	mu sync.Mutex
	m  map[string]string
}

func (r *reasons) set(tag, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[tag] = reason
}

func (r *reasons) get(tag string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[tag]
}

type authPayload struct {
	Token string `json:"token"`
	Tag   string `json:"tag"`
}

// socketData is what the interop server keeps per socket.
type socketData struct {
	Tag string `json:"tag"`
	mu  sync.Mutex
	any []string
	out []string
}

func (d *socketData) add(list *[]string, event string) {
	d.mu.Lock()
	*list = append(*list, event)
	d.mu.Unlock()
}

func (d *socketData) list(list *[]string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(*list)
}

func decodeArg[T any](args *socketio.Args, i int) T {
	var v T
	_ = args.Decode(i, &v)
	return v
}

// newInteropServer returns the server js/socketio.mjs talks to.
func newInteropServer() *socketio.Server {
	rs := &reasons{m: make(map[string]string)}
	io := socketio.NewServer(nil)
	io.Use(func(_ context.Context, s *socketio.Socket) error {
		var a authPayload
		_ = json.Unmarshal(s.Handshake().Auth, &a)
		if a.Token == "bad" {
			return &socketio.ConnectError{Message: "not authorized", Data: map[string]any{"code": 42}}
		}
		s.SetData(&socketData{Tag: a.Tag})
		return nil
	})
	io.OnConnection(func(_ context.Context, s *socketio.Socket, auth []byte) error {
		d, _ := socketio.DataAs[*socketData](s)
		s.OnAny(func(_ context.Context, _ *socketio.Socket, event string, _ *socketio.Args, _ socketio.AckFunc) {
			d.add(&d.any, event)
		})
		s.OnAnyOutgoing(func(_ *socketio.Socket, event string, _ *socketio.Args) { d.add(&d.out, event) })
		s.OnDisconnect(func(_ context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
			if d.Tag != "" {
				rs.set(d.Tag, string(reason))
			}
		})
		return s.Emit("welcome", map[string]any{"id": s.ID(), "auth": json.RawMessage(auth)})
	})
	on := io.On
	ctx := context.Background()
	on("echo", func(_ context.Context, s *socketio.Socket, args *socketio.Args, _ socketio.AckFunc) error {
		return s.Emit("echo-back", args)
	})
	on("sum", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		total := 0
		for i := range args.Len() {
			total += decodeArg[int](args, i)
		}
		return ack(total)
	})
	on("multi", func(_ context.Context, _ *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
		return ack(1, "two", map[string]int{"three": 3}, []int{4}, nil, true)
	})
	on("bin", func(_ context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		b, err := args.Binary(0)
		if err != nil {
			return err
		}
		rev := slices.Clone(b)
		slices.Reverse(rev)
		if err := s.Emit("bin-down", []byte{9, 8, 7}, map[string]any{"nested": []byte{1}, "n": 2}); err != nil {
			return err
		}
		return ack(len(b), rev)
	})
	on("ask", func(ctx context.Context, s *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		answer, err := s.EmitWithAck(ctx, "question", "q?", []byte{1, 2})
		if err != nil {
			return ack("error: " + err.Error())
		}
		return ack(answer) // forwarded unchanged, binary included
	})
	on("ask-timeout", func(ctx context.Context, s *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
		ctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		_, err := s.EmitWithAck(ctx, "question-silent")
		return ack(errors.Is(err, context.DeadlineExceeded))
	})
	on("join", func(_ context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		s.Join(decodeArg[[]string](args, 0)...)
		return ack(s.Rooms())
	})
	on("to-room", func(_ context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		if err := s.To(decodeArg[string](args, 0)).Emit("room-msg", args.Raw(1)); err != nil {
			return err
		}
		return ack(true)
	})
	on("except", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		if err := io.Except(decodeArg[[]string](args, 0)...).Emit("except-msg", args.Raw(1)); err != nil {
			return err
		}
		return ack(true)
	})
	on("marker", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		if err := io.Emit("marker", args.Raw(0)); err != nil {
			return err
		}
		return ack(true)
	})
	on("kick", func(_ context.Context, s *socketio.Socket, _ *socketio.Args, _ socketio.AckFunc) error {
		s.Disconnect(false)
		return nil
	})
	on("drop", func(_ context.Context, s *socketio.Socket, _ *socketio.Args, _ socketio.AckFunc) error {
		s.CloseConn()
		return nil
	})
	on("reason", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		return ack(rs.get(decodeArg[string](args, 0)))
	})
	on("volatile-one", func(_ context.Context, s *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
		if err := s.Volatile().Emit("vol", 0); err != nil {
			return err
		}
		return ack(true)
	})
	on("volatile-burst", func(_ context.Context, s *socketio.Socket, _ *socketio.Args, _ socketio.AckFunc) error {
		if err := s.Emit("burst-start"); err != nil {
			return err
		}
		for i := range 50 {
			if err := s.Volatile().Emit("vol-burst", i); err != nil {
				return err
			}
		}
		return s.Emit("burst-done")
	})
	on("any-log", func(_ context.Context, s *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
		d, _ := socketio.DataAs[*socketData](s)
		return ack(d.list(&d.any), d.list(&d.out))
	})
	on("bcast-ack", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		ctx, cancel := context.WithTimeout(ctx, time.Duration(decodeArg[int](args, 1))*time.Millisecond)
		defer cancel()
		res, err := io.To(decodeArg[string](args, 0)).EmitWithAck(ctx, "ping-all")
		names := make([]string, 0, len(res))
		for _, r := range res {
			names = append(names, decodeArg[string](r, 0))
		}
		sort.Strings(names)
		return ack(names, err != nil && errors.Is(err, context.DeadlineExceeded))
	})
	on("fetch", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		socks, err := io.In(decodeArg[string](args, 0)).FetchSockets(ctx)
		if err != nil {
			return err
		}
		tags := make([]string, 0, len(socks))
		for _, r := range socks {
			tags = append(tags, r.Data.(*socketData).Tag)
		}
		sort.Strings(tags)
		return ack(tags)
	})
	on("sockets-join", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		return ack(io.In(decodeArg[string](args, 0)).SocketsJoin(ctx, decodeArg[string](args, 1)) == nil)
	})
	on("sockets-leave", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		return ack(io.In(decodeArg[string](args, 0)).SocketsLeave(ctx, decodeArg[string](args, 1)) == nil)
	})
	on("disconnect-room", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		if err := ack(true); err != nil {
			return err
		}
		return io.In(decodeArg[string](args, 0)).DisconnectSockets(ctx, false)
	})

	whoami := func(_ context.Context, s *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
		return ack(s.Namespace().Name(), s.Namespace().Parent() != nil)
	}
	io.Of("/chat").On("whoami", whoami)
	dyn := io.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
	dyn.On("whoami", whoami)
	dyn.OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
		return s.Emit("dyn-welcome", s.Namespace().Name())
	})
	return io
}

// newRecoveryServer returns the server of the "recovery" scenario, with
// connection state recovery on.
func newRecoveryServer() *socketio.Server {
	io := socketio.NewServer(&socketio.Options{
		ConnectionStateRecovery: &socketio.RecoveryOptions{MaxDisconnectionDuration: 30 * time.Second},
	})
	io.Use(func(_ context.Context, s *socketio.Socket) error {
		if s.Recovered() {
			return errors.New("middleware must be skipped on recovery")
		}
		return nil
	})
	io.OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
		if !s.Recovered() {
			return s.Emit("hello", s.ID())
		}
		return nil
	})
	io.On("setup", func(_ context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		s.Join(decodeArg[string](args, 0))
		s.SetData(decodeArg[string](args, 1))
		return ack(true)
	})
	io.On("get", func(_ context.Context, s *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
		return ack(s.ID(), s.Recovered(), s.Rooms(), s.Data())
	})
	io.On("drop-and-miss", func(_ context.Context, s *socketio.Socket, args *socketio.Args, _ socketio.AckFunc) error {
		room := decodeArg[string](args, 0)
		s.CloseConn()
		for _, e := range []struct {
			room string
			n    int
		}{{room, 1}, {"other-room", 99}, {room, 2}} {
			if err := io.To(e.room).Emit("missed", e.n); err != nil {
				return err
			}
		}
		return nil
	})
	return io
}

// TestSocketIOInterop runs js/socketio.mjs, socket.io-client 4.8 playing
// every scenario of socketioScenarios, over polling only, WebSocket only and
// polling upgraded to WebSocket.
func TestSocketIOInterop(t *testing.T) {
	for _, mode := range []string{"polling", "websocket", "upgrade"} {
		t.Run(mode, func(t *testing.T) {
			io := newInteropServer()
			hs := httptest.NewServer(io)
			rio := newRecoveryServer()
			rhs := httptest.NewServer(rio)
			defer func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if err := io.Shutdown(ctx); err != nil {
					t.Errorf("Shutdown: %v", err)
				}
				if err := rio.Shutdown(ctx); err != nil {
					t.Errorf("Shutdown: %v", err)
				}
				hs.Close()
				rhs.Close()
			}()
			lines := runNode(t, "socketio.mjs", hs.URL, rhs.URL, mode)
			checkScenarios(t, lines, socketioScenarios)
		})
	}
}
