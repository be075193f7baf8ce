package interop

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/siogo/sio/socketio"
)

// goClientServer is sio's copy of js/client-server.mjs: the same events
// with the same answers, so that goclient_test.go runs its scenarios
// against both.
type goClientServer struct {
	mu      sync.Mutex // guards reasons, seen and counts
	reasons map[string]string
	seen    map[string][]string
	counts  map[string]int
}

func newGoClientServer(recovery bool) *socketio.Server {
	var opts socketio.Options
	if recovery {
		opts.ConnectionStateRecovery = &socketio.RecoveryOptions{MaxDisconnectionDuration: time.Minute}
	}
	io := socketio.NewServer(&opts)
	g := &goClientServer{reasons: map[string]string{}, seen: map[string][]string{}, counts: map[string]int{}}
	io.Use(func(ctx context.Context, s *socketio.Socket) error {
		var auth authPayload
		_ = json.Unmarshal(s.Handshake().Auth, &auth)
		if auth.Token == "bad" {
			return &socketio.ConnectError{Message: "not authorized", Data: map[string]string{"hint": "use a good token"}}
		}
		return nil
	})
	echo := func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		if ack == nil {
			return nil
		}
		vals := make([]any, args.Len())
		for i := range vals {
			if b, err := args.Binary(i); err == nil {
				vals[i] = b
			} else {
				vals[i] = args.Raw(i)
			}
		}
		return ack(vals...)
	}
	engineID := func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		return ack(s.EngineID())
	}
	io.OnConnection(func(ctx context.Context, s *socketio.Socket, auth []byte) error {
		var a authPayload
		_ = json.Unmarshal(auth, &a)
		tag := a.Tag
		s.OnAny(func(ctx context.Context, s *socketio.Socket, event string, args *socketio.Args, ack socketio.AckFunc) {
			g.mu.Lock()
			g.seen[tag] = append(g.seen[tag], event)
			g.mu.Unlock()
		})
		s.On("echo", echo)
		s.On("engine-id", engineID)
		s.On("ask", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			q := json.RawMessage(slices.Clone(args.Raw(0)))
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				answer, err := s.EmitWithAck(ctx, "question", q)
				if err != nil {
					_ = ack("error: " + err.Error())
					return
				}
				_ = ack(answer.Raw(0))
			}()
			return nil
		})
		s.On("flaky", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			key := decodeArg[string](args, 0)
			g.mu.Lock()
			g.counts[key]++
			c := g.counts[key]
			g.mu.Unlock()
			if c >= decodeArg[int](args, 1) && ack != nil {
				return ack(c)
			}
			return nil
		})
		s.On("kick", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			s.Disconnect(false)
			return nil
		})
		s.On("drop", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			s.CloseConn()
			return nil
		})
		s.On("join", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			s.Join(decodeArg[string](args, 0))
			if ack != nil {
				return ack()
			}
			return nil
		})
		s.On("room", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			var arg any = json.RawMessage(slices.Clone(args.Raw(2)))
			if b, err := args.Binary(2); err == nil {
				arg = b
			}
			if err := io.To(decodeArg[string](args, 0)).Emit(decodeArg[string](args, 1), arg); err != nil {
				return err
			}
			if ack != nil {
				return ack()
			}
			return nil
		})
		s.On("reason-of", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			g.mu.Lock()
			r, ok := g.reasons[decodeArg[string](args, 0)]
			g.mu.Unlock()
			if !ok {
				return ack(nil)
			}
			return ack(r)
		})
		s.On("seen", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			g.mu.Lock()
			list := slices.Clone(g.seen[decodeArg[string](args, 0)])
			g.mu.Unlock()
			if list == nil {
				list = []string{}
			}
			return ack(list)
		})
		s.OnDisconnect(func(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
			g.mu.Lock()
			g.reasons[tag] = string(reason)
			g.mu.Unlock()
		})
		if len(auth) == 0 {
			auth = []byte("null")
		}
		return s.Emit("welcome", json.RawMessage(auth), s.Recovered())
	})
	io.Of("/chat").OnConnection(func(ctx context.Context, s *socketio.Socket, auth []byte) error {
		s.On("echo", echo)
		s.On("engine-id", engineID)
		return nil
	})
	return io
}
