package runtime

import (
	"context"
	"errors"
	"testing"

	"github.com/siogo/sio/socketio"
)

type counter struct{ connects int }

func TestConnectionHandlerRejects(t *testing.T) {
	reject := errors.New("no")
	spec := &Spec[counter]{
		Namespace: "/c",
		Connect: func(c *counter, ctx context.Context, s *socketio.Socket, auth []byte) error {
			c.connects++
			if string(auth) == `"bad"` {
				return reject
			}
			return nil
		},
		Dispatcher: func(c *counter) socketio.Dispatcher {
			t.Error("a rejected connection got a dispatcher")
			return nil
		},
	}
	tests := []struct {
		name string
		newT func() *counter
		auth string
		want error
	}{
		{"constructor returns nil", func() *counter { return nil }, `{}`, ErrNilConsumer},
		{"Connect rejects", func() *counter { return &counter{} }, `"bad"`, reject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := ConnectionHandler(spec, tt.newT)
			if err := h(context.Background(), nil, []byte(tt.auth)); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestConnectionHandlerClonesSpec(t *testing.T) {
	spec := &Spec[counter]{Namespace: "/c", Connect: func(c *counter, ctx context.Context, s *socketio.Socket, auth []byte) error {
		return errors.New("original")
	}}
	h := ConnectionHandler(spec, func() *counter { return &counter{} })
	spec.Connect = nil // later changes do not reach the handler
	if err := h(context.Background(), nil, nil); err == nil || err.Error() != "original" {
		t.Errorf("err = %v, want the original Connect's", err)
	}
}

// ExampleRegister wires a hand-written Spec, the way the code siogen
// generates does (RegisterChat calls Register with the generated spec).
func ExampleRegister() {
	type greeter struct{ greeted bool }
	spec := &Spec[greeter]{
		Namespace: "/greet",
		Connect: func(g *greeter, ctx context.Context, s *socketio.Socket, auth []byte) error {
			g.greeted = true
			return s.Emit("hello", "welcome")
		},
		Dispatcher: func(g *greeter) socketio.Dispatcher {
			return socketio.DispatcherFunc(func(ctx context.Context, s *socketio.Socket, event string, args *socketio.Args, ack socketio.AckFunc) error {
				if event != "name" {
					return socketio.ErrUnknownEvent
				}
				name, err := String[string](args, 0)
				if err != nil {
					return DecodeFailed(event, 0, err)
				}
				return s.Emit("hello", name)
			})
		},
	}
	srv := socketio.NewServer(nil)
	Register(srv, spec, func() *greeter { return &greeter{} })
}
