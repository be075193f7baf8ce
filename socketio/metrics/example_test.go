package metrics_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/metrics"
)

// Example instruments a server, mounts /metrics next to it, and reads the
// socket gauge after a client's round trip.
func Example() {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg, nil)
	if err != nil {
		panic(err)
	}
	io := socketio.NewServer(m.Instrument(nil))
	io.OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
		s.On("ping", func(_ context.Context, _ *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
			return ack("pong")
		})
		return nil
	})
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", io)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	hs := httptest.NewServer(mux)
	defer hs.Close()
	defer io.Shutdown(context.Background())

	ctx := context.Background()
	mgr, err := client.Dial(ctx, hs.URL, &client.Options{Transports: []string{client.WebSocket}})
	if err != nil {
		panic(err)
	}
	defer func() { _ = mgr.Close(); <-mgr.Done() }()
	s := mgr.Socket("/", nil)
	if err := s.Connect(ctx); err != nil {
		panic(err)
	}
	// Answered once the connect step, which counts the socket, is over.
	if _, err := s.EmitWithAck(ctx, "ping"); err != nil {
		panic(err)
	}

	resp, err := http.Get(hs.URL + "/metrics")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		switch mf.GetName() {
		case "socketio_sockets":
			fmt.Println(mf.GetName(), mf.GetMetric()[0].GetGauge().GetValue())
		}
	}
	fmt.Println("/metrics:", resp.Status)
	// Output:
	// socketio_sockets 1
	// /metrics: 200 OK
}
