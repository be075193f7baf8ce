package publish

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/siogo/sio/internal/redistest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestNotSent(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"redis error", redis.Nil, true},
		{"dial", &net.OpError{Op: "dial", Err: errors.New("refused")}, true},
		{"read", &net.OpError{Op: "read", Err: errors.New("reset")}, false},
		{"pool timeout", redis.ErrPoolTimeout, true},
		{"closed", redis.ErrClosed, true},
		{"deadline", context.DeadlineExceeded, false},
		{"wrapped dial", fmt.Errorf("x: %w", &net.OpError{Op: "dial", Err: errors.New("refused")}), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NotSent(tc.err); got != tc.want {
				t.Errorf("NotSent(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

// TestSender publishes through a queue with PUBLISH and SPUBLISH: the
// messages arrive in order, a message whose ctx is done is skipped (its
// Errc gets the ctx error), Errc gets the result, and failures are
// reported with their counts.
func TestSender(t *testing.T) {
	rs := redistest.Start(t)
	for _, sharded := range []bool{false, true} {
		t.Run(fmt.Sprintf("sharded=%v", sharded), func(t *testing.T) {
			rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
			defer rc.Close()
			sub := redis.NewClient(&redis.Options{Addr: rs.Addr})
			defer sub.Close()
			ctx := t.Context()
			var ps *redis.PubSub
			if sharded {
				ps = sub.SSubscribe(ctx, "ch")
			} else {
				ps = sub.Subscribe(ctx, "ch")
			}
			defer ps.Close()
			if _, err := ps.Receive(ctx); err != nil {
				t.Fatal(err)
			}
			got := ps.Channel()

			reports := make(chan Failures, 1)
			s := &Sender{Client: rc, Sharded: sharded, Timeout: 10 * time.Second, Report: func(f Failures) { reports <- f }}
			q := make(chan Msg, 8)
			rctx, stop := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); s.Run(rctx, q) }()
			defer func() { stop(); <-done }()

			gone, cancel := context.WithCancel(ctx)
			cancel()
			skipped := make(chan error, 1)
			last := make(chan error, 1)
			q <- Msg{Channel: "ch", Payload: []byte("1")}
			q <- Msg{Channel: "ch", Payload: []byte("skipped"), Ctx: gone, Errc: skipped}
			q <- Msg{Channel: "ch", Payload: []byte("2")}
			q <- Msg{Channel: "ch", Payload: []byte("3"), Ctx: ctx, Errc: last}
			if err := <-last; err != nil {
				t.Fatal(err)
			}
			if err := <-skipped; !errors.Is(err, context.Canceled) {
				t.Errorf("skipped message: %v", err)
			}
			for _, want := range []string{"1", "2", "3"} {
				select {
				case m := <-got:
					if m.Payload != want {
						t.Fatalf("got %q, want %q", m.Payload, want)
					}
				case <-time.After(10 * time.Second):
					t.Fatalf("%q not received", want)
				}
			}
			// A closed client fails for sure: reported as not sent.
			_ = rc.Close()
			failed := make(chan error, 1)
			q <- Msg{Channel: "ch", Payload: []byte("x"), Ctx: ctx, Errc: failed}
			if err := <-failed; !errors.Is(err, redis.ErrClosed) {
				t.Errorf("publish on a closed client: %v", err)
			}
			f := <-reports
			if f.NotSent != 1 || f.Unknown != 0 || !errors.Is(f.NotSentErr, redis.ErrClosed) {
				t.Errorf("report %+v, want one not sent", f)
			}
			// The Origin of a message without Errc is told of its failure;
			// one with Errc is not (its caller gets the error).
			from := origin(make(chan error, 2))
			q <- Msg{Channel: "ch", Payload: []byte("y"), Ctx: ctx, Errc: failed, Origin: from}
			if err := <-failed; !errors.Is(err, redis.ErrClosed) {
				t.Errorf("publish on a closed client: %v", err)
			}
			<-reports
			q <- Msg{Channel: "ch", Payload: []byte("z"), Origin: from}
			<-reports
			if err := <-from; !errors.Is(err, redis.ErrClosed) {
				t.Errorf("Origin told %v, want redis.ErrClosed", err)
			}
			if len(from) != 0 {
				t.Errorf("Origin told of a message whose Errc got the error")
			}
		})
	}
}

// origin records the errors it is told of.
type origin chan error

func (o origin) NotPublished(err error) { o <- err }
