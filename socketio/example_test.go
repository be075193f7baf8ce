package socketio_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"regexp"
	"time"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio"
)

// A chat server: clients join a room named in their auth payload, and what
// they say reaches the others in the room.
func ExampleNewServer() {
	io := socketio.NewServer(&socketio.Options{
		Engine: &engineio.Options{PingInterval: 10 * time.Second},
	})
	io.Use(func(ctx context.Context, s *socketio.Socket) error {
		if s.Handshake().Query.Get("token") == "" {
			return &socketio.ConnectError{Message: "not authorized", Data: map[string]string{"hint": "pass ?token="}}
		}
		return nil
	})
	io.OnConnection(func(ctx context.Context, s *socketio.Socket, auth []byte) error {
		s.Join("lobby")
		s.On("say", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			var text string
			if err := args.Decode(0, &text); err != nil {
				return err
			}
			if err := s.To("lobby").Emit("said", s.ID(), text); err != nil {
				return err
			}
			if ack != nil {
				return ack("ok")
			}
			return nil
		})
		s.OnDisconnect(func(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
			log.Printf("%s left: %s", s.ID(), reason)
		})
		return s.Emit("welcome", "hello")
	})
	http.Handle("/socket.io/", io)
}

// Dynamic namespaces: every "/team-N" namespace is created on first use and
// shares the handlers set on the parent.
func ExampleServer_OfRegexp() {
	io := socketio.NewServer(nil)
	teams := io.OfRegexp(regexp.MustCompile(`^/team-\d+$`))
	teams.On("ping", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		return ack("pong from " + s.Namespace().Name())
	})
	_ = teams.Emit("announcement", "to every team") // reaches the sockets of every child
}

// Broadcast with acknowledgements: wait up to a second for every socket of
// a room to answer.
func ExampleBroadcastOperator_EmitWithAck() {
	io := socketio.NewServer(nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	answers, err := io.To("voters").EmitWithAck(ctx, "vote?")
	fmt.Println(len(answers), err)
	// Output: 0 <nil>
}

// A Dispatcher receives the events a socket's own handlers do not take, as
// the code siogen generates does; it can be called directly in tests.
func ExampleDispatcherFunc() {
	d := socketio.DispatcherFunc(func(ctx context.Context, s *socketio.Socket, event string, args *socketio.Args, ack socketio.AckFunc) error {
		if event != "add" {
			return socketio.ErrUnknownEvent
		}
		var a, b int
		if err := args.Decode(0, &a); err != nil {
			return err
		}
		if err := args.Decode(1, &b); err != nil {
			return err
		}
		return ack(a + b)
	})
	ack := func(args ...any) error { fmt.Println("ack", args); return nil }
	_ = d.Dispatch(context.Background(), nil, "add", socketio.NewArgs([]byte(`[1,2]`), nil), ack)
	err := d.Dispatch(context.Background(), nil, "sub", socketio.NewArgs([]byte(`[1,2]`), nil), ack)
	fmt.Println(err)
	// Output:
	// ack [3]
	// socketio: unknown event
}

// Connection state recovery: a client whose transport was cut gets its id,
// rooms, data and missed events back if it reconnects within two minutes.
func ExampleRecoveryOptions() {
	io := socketio.NewServer(&socketio.Options{
		ConnectionStateRecovery: &socketio.RecoveryOptions{MaxDisconnectionDuration: 2 * time.Minute},
	})
	io.OnConnection(func(ctx context.Context, s *socketio.Socket, auth []byte) error {
		if s.Recovered() {
			return nil // rooms and data are back, missed events were replayed
		}
		s.Join("news")
		s.SetData(map[string]string{"user": "alice"})
		return nil
	})
}
