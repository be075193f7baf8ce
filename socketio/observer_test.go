package socketio_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/siogo/sio/socketio"
)

type ctxKey string

// TestMergeObservers checks that merged observers are called in order,
// that EventStart contexts are threaded, and that nil ones are skipped.
func TestMergeObservers(t *testing.T) {
	var calls []string
	a := &socketio.Observer{
		EventStart: func(ctx context.Context, _ *socketio.Socket, _ string, _ *socketio.Args) context.Context {
			calls = append(calls, "a.start")
			return context.WithValue(ctx, ctxKey("a"), 1)
		},
		EventDone: func(ctx context.Context, _ *socketio.Socket, _ string, _ time.Duration, _ error) {
			calls = append(calls, "a.done")
		},
		DecodeError: func(error) { calls = append(calls, "a.decode") },
	}
	b := &socketio.Observer{
		EventStart: func(ctx context.Context, _ *socketio.Socket, _ string, _ *socketio.Args) context.Context {
			if ctx.Value(ctxKey("a")) == nil {
				t.Error("b's EventStart did not get a's context")
			}
			calls = append(calls, "b.start")
			return context.WithValue(ctx, ctxKey("b"), 1)
		},
		EventDone: func(ctx context.Context, _ *socketio.Socket, _ string, _ time.Duration, _ error) {
			if ctx.Value(ctxKey("b")) == nil {
				t.Error("EventDone did not get the threaded context")
			}
			calls = append(calls, "b.done")
		},
	}
	for _, c := range []struct {
		name string
		obs  []*socketio.Observer
		want *socketio.Observer
	}{
		{"none", nil, nil},
		{"nils", []*socketio.Observer{nil, nil}, nil},
		{"one", []*socketio.Observer{nil, a}, a},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := socketio.MergeObservers(c.obs...); got != c.want {
				t.Errorf("MergeObservers = %p, want %p", got, c.want)
			}
		})
	}
	t.Run("two", func(t *testing.T) {
		m := socketio.MergeObservers(a, nil, b)
		ctx := m.EventStart(context.Background(), nil, "e", nil)
		m.EventDone(ctx, nil, "e", 0, nil)
		m.DecodeError(nil)
		if m.SocketConnected != nil || m.AckDone != nil {
			t.Error("hooks set by no observer are not nil")
		}
		if want := []string{"a.start", "b.start", "a.done", "b.done", "a.decode"}; !slices.Equal(calls, want) {
			t.Errorf("calls %v, want %v", calls, want)
		}
	})
}
