package interop

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/siogo/sio/internal/balancer"
	"github.com/siogo/sio/socketio"
)

// TestDrainSocketIOClient drains a server behind a balancer while
// socket.io-client 4.8 clients are connected to it, over each transport:
// every client sees "transport close", stays active (reconnects on its
// own) and reconnects to the other server.
func TestDrainSocketIOClient(t *testing.T) {
	requireNode(t)
	const n = 20
	for _, mode := range []string{"polling", "websocket", "upgrade"} {
		t.Run(mode, func(t *testing.T) {
			servers := map[string]*socketio.Server{}
			for _, name := range []string{"a", "b"} {
				io := socketio.NewServer(&socketio.Options{ConnectionStateRecovery: &socketio.RecoveryOptions{}})
				io.On("where", func(_ context.Context, _ *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
					return ack(name)
				})
				servers[name] = io
			}
			lb := balancer.New(servers["a"], servers["b"])
			drained := make(chan error, 1)
			mux := http.NewServeMux()
			mux.Handle("/socket.io/", lb)
			mux.HandleFunc("GET /drain", func(w http.ResponseWriter, _ *http.Request) {
				lb.TakeFirstOut()
				go func() {
					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					defer cancel()
					drained <- servers["a"].Drain(ctx, &socketio.DrainOptions{Period: 500 * time.Millisecond})
				}()
			})
			hs := httptest.NewServer(mux)
			t.Cleanup(func() {
				hs.Close()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				for _, io := range servers {
					_ = io.Shutdown(ctx)
				}
			})

			lines := runNode(t, "drain.mjs", hs.URL, mode, strconv.Itoa(n))
			if len(lines) != 1 {
				t.Fatalf("output %q, want one line", lines)
			}
			var got struct {
				Reasons map[string]int `json:"reasons"`
				First   map[string]int `json:"first"`
				Then    map[string]int `json:"then"`
				Active  int            `json:"active"`
			}
			if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
				t.Fatalf("%q: %v", lines[0], err)
			}
			select {
			case err := <-drained:
				if err != nil {
					t.Errorf("Drain: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("Drain did not return")
			}
			if got.Reasons["transport close"] != n || len(got.Reasons) != 1 {
				t.Errorf("disconnect reasons %v, want %d × transport close", got.Reasons, n)
			}
			if got.First["a"] != n || got.Then["b"] != n {
				t.Errorf("first on %v, then on %v; want all on a, then all on b", got.First, got.Then)
			}
			if got.Active != n {
				t.Errorf("%d of %d clients stayed active (reconnecting on their own)", got.Active, n)
			}
		})
	}
}
