package main

import (
	"io"
	"net/http"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/metrics"
)

// Operator endpoints served next to the chat.
const (
	metricsPath = "/metrics"
	healthPath  = "/healthz"
)

// ops is the chat's operator side: Prometheus metrics of the Socket.IO
// server (and of the Go runtime) at /metrics, and /healthz, which answers
// 200 "ok" until the chat starts shutting down, then 503, so that a load
// balancer stops sending clients before they are disconnected.
type ops struct {
	reg      *prometheus.Registry
	metrics  *metrics.Metrics
	stopping atomic.Bool
}

func newOps() (*ops, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(collectors.NewGoCollector()); err != nil {
		return nil, err
	}
	m, err := metrics.New(reg, nil)
	if err != nil {
		return nil, err
	}
	return &ops{reg: reg, metrics: m}, nil
}

// instrument returns Socket.IO options feeding the metrics.
func (o *ops) instrument(opts *socketio.Options) *socketio.Options {
	return o.metrics.Instrument(opts)
}

// handler serves the operator endpoints and passes the rest to chat.
func (o *ops) handler(chat http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+metricsPath, promhttp.HandlerFor(o.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET "+healthPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if o.stopping.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "stopping\n")
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.Handle("/", chat)
	return mux
}
