package socketio_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/socketio"
)

// A server taken out of service on SIGTERM: Drain closes its clients over
// a period (here a single one, at once), so that they reconnect to the
// other servers a few at a time, and refuses new connections with 503
// meanwhile. The client sees "transport close", after which socket.io
// clients reconnect on their own (this one has reconnection off).
func ExampleServer_Drain() {
	io := socketio.NewServer(nil)
	hs := httptest.NewServer(io)
	defer hs.Close()

	ctx := context.Background()
	mgr, err := client.Dial(ctx, hs.URL, &client.Options{Transports: []string{client.WebSocket}, DisableReconnection: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = mgr.Close(); <-mgr.Done() }()
	s := mgr.Socket("/", nil)
	gone := make(chan string, 1)
	s.OnDisconnect(func(reason string) { gone <- reason })
	if err := s.Connect(ctx); err != nil {
		fmt.Println(err)
		return
	}

	// In main: <-sigterm, then the drain, bounded by the grace period.
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := io.Drain(dctx, &socketio.DrainOptions{Period: 20 * time.Second}); err != nil {
		fmt.Println("drain:", err)
	}
	fmt.Println("client:", <-gone)

	res, err := http.Get(hs.URL + "/socket.io/?EIO=4&transport=polling")
	if err != nil {
		fmt.Println(err)
		return
	}
	res.Body.Close()
	fmt.Println("new connection:", res.Status)
	// Output:
	// client: transport close
	// new connection: 503 Service Unavailable
}
