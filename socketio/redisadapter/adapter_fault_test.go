package redisadapter_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
)

// TestCallerDeadlineWithStalledRedis pauses Redis under a two-server
// cluster whose go-redis client has the default options (a 5 s read
// timeout, ctx deadlines not applied to the connection): every request
// still ends at the caller's deadline with its error, long before the
// client's own timeouts would end it.
func TestCallerDeadlineWithStalledRedis(t *testing.T) {
	const (
		deadline = 200 * time.Millisecond
		// bound is far above deadline and below go-redis's 5 s read
		// timeout, which is what ended the calls before.
		bound = 3 * time.Second
	)
	rs := redistest.Start(t)
	srvs, _ := cluster(t, rs, 2, nil)
	for _, srv := range srvs {
		<-adapterOf(t, srv).Ready()
	}
	nsp := srvs[0].Of("/")
	// Warm the pool: the connections exist before Redis stalls.
	if n, err := adapterOf(t, srvs[0]).ServerCount(context.Background()); err != nil || n != 2 {
		t.Fatalf("ServerCount = %d, %v; want 2", n, err)
	}
	rs.Pause()
	defer rs.Resume()
	tests := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"FetchSockets", func(ctx context.Context) error {
			_, err := nsp.FetchSockets(ctx)
			return err
		}},
		{"ServerSideEmitWithAck", func(ctx context.Context) error {
			_, err := nsp.ServerSideEmitWithAck(ctx, "ev")
			return err
		}},
		{"EmitWithAck", func(ctx context.Context) error {
			_, err := nsp.EmitWithAck(ctx, "ev")
			return err
		}},
		{"ServerCount", func(ctx context.Context) error {
			_, err := nsp.Adapter().ServerCount(ctx)
			return err
		}},
		{"AllRooms", func(ctx context.Context) error {
			_, err := adapterOf(t, srvs[0]).AllRooms(ctx)
			return err
		}},
	}
	var stuck []chan error
	defer func() {
		// Let the calls still blocked before the fix end before the
		// leak check.
		rs.Resume()
		for _, c := range stuck {
			<-c
		}
	}()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			errc := make(chan error, 1)
			go func() { errc <- tc.call(ctx) }()
			select {
			case err := <-errc:
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("error %v, want the caller's context.DeadlineExceeded", err)
				}
			case <-time.After(bound):
				stuck = append(stuck, errc)
				t.Fatalf("still blocked %v after a %v deadline", bound, deadline)
			}
		})
	}
}

// silence keeps the compiler happy while the file grows.
var _ = socketio.BroadcastOptions{}
var _ = redisadapter.ErrClosed
