package redisbus

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/internal/redistest"
)

// countingBus counts the messages a bus publishes.
type countingBus struct {
	*Bus
	n *atomic.Int64
}

func (c countingBus) Publish(ctx context.Context, msgs ...*engineio.ClusterMessage) error {
	c.n.Add(int64(len(msgs)))
	return c.Bus.Publish(ctx, msgs...)
}

// BenchmarkForwarded measures, in the same run, a long-polling GET (a
// packet queued, answered at once) and POST (one message) served by the
// session's owner (as with sticky sessions) and by another node that
// forwards it over Redis, and reports the Redis messages per request
// (msgs/op). Run: go test -bench Forwarded ./engineio/redisbus.
func BenchmarkForwarded(b *testing.B) {
	r := redistest.Start(b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var published atomic.Int64
	var urls []string
	sessions := make(chan *engineio.Session, 1)
	for range 2 {
		client := redis.NewClient(&redis.Options{Addr: r.Addr})
		defer client.Close()
		bus, err := New(ctx, client, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer bus.Close()
		srv := engineio.NewServer(&engineio.Options{Cluster: &engineio.ClusterOptions{Bus: countingBus{bus, &published}}})
		srv.OnConnection(func(s *engineio.Session) {
			s.OnMessage(func(engineio.Message) {})
			sessions <- s
		})
		hs := httptest.NewServer(srv)
		defer hs.Close()
		defer func() {
			// The session is idle: close it without waiting for a GET.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancel()
			_ = srv.Shutdown(ctx)
		}()
		urls = append(urls, hs.URL+engineio.DefaultPath)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer hc.CloseIdleConnections()
	do := func(method, url string, body []byte) string {
		req, _ := http.NewRequest(method, url, bytes.NewReader(body))
		if body != nil {
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
		}
		res, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			b.Fatalf("%s: %d %s", method, res.StatusCode, out)
		}
		return string(out)
	}
	open := do(http.MethodGet, urls[0]+"?EIO=4&transport=polling", nil)
	var op struct{ SID string }
	_ = json.Unmarshal([]byte(open[1:]), &op)
	sess := <-sessions
	q := "?EIO=4&transport=polling&sid=" + op.SID
	for _, bc := range []struct {
		name string
		node int
		get  bool
	}{
		{"GET/sticky", 0, true},
		{"GET/forwarded", 1, true},
		{"POST/sticky", 0, false},
		{"POST/forwarded", 1, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			published.Store(0)
			for b.Loop() {
				if bc.get {
					_ = sess.Send(engineio.Message{Data: []byte("x")})
					if got := do(http.MethodGet, urls[bc.node]+q, nil); got != "4x" {
						b.Fatalf("GET: %q", got)
					}
				} else if got := do(http.MethodPost, urls[bc.node]+q, []byte("4x")); got != "ok" {
					b.Fatalf("POST: %q", got)
				}
			}
			b.ReportMetric(float64(published.Load())/float64(b.N), "msgs/op")
		})
	}
}

// BenchmarkStreamed measures the round trip of a message echoed by the
// server over a WebSocket connected to the session's owner (sticky) and
// over one upgraded on another node that relays it (streamed: take-over
// off), and reports the Redis messages per round trip.
func BenchmarkStreamed(b *testing.B) {
	r := redistest.Start(b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var published atomic.Int64
	var urls []string
	for range 2 {
		client := redis.NewClient(&redis.Options{Addr: r.Addr})
		defer client.Close()
		bus, err := New(ctx, client, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer bus.Close()
		srv := engineio.NewServer(&engineio.Options{Cluster: &engineio.ClusterOptions{Bus: countingBus{bus, &published}, TakeOverWindow: -1}})
		srv.OnConnection(func(s *engineio.Session) {
			s.OnMessage(func(m engineio.Message) { _ = s.Send(m) })
		})
		hs := httptest.NewServer(srv)
		defer hs.Close()
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancel()
			_ = srv.Shutdown(ctx)
		}()
		urls = append(urls, hs.URL+engineio.DefaultPath)
	}
	for _, bc := range []struct {
		name string
		node int
	}{{"sticky", 0}, {"streamed", 1}} {
		b.Run(bc.name, func(b *testing.B) {
			res, err := http.Get(urls[0] + "?EIO=4&transport=polling")
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			var op struct{ SID string }
			_ = json.Unmarshal(body[1:], &op)
			ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(urls[bc.node], "http")+"?EIO=4&transport=websocket&sid="+op.SID, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer ws.Close()
			_ = ws.WriteMessage(websocket.TextMessage, []byte("2probe"))
			if _, m, err := ws.ReadMessage(); err != nil || string(m) != "3probe" {
				b.Fatalf("probe: %q %v", m, err)
			}
			_ = ws.WriteMessage(websocket.TextMessage, []byte("5"))
			published.Store(0)
			for b.Loop() {
				_ = ws.WriteMessage(websocket.TextMessage, []byte("4x"))
				for {
					_, m, err := ws.ReadMessage()
					if err != nil {
						b.Fatal(err)
					}
					if string(m) == "4x" {
						break
					}
					if string(m) == "2" {
						_ = ws.WriteMessage(websocket.TextMessage, []byte("3"))
					}
				}
			}
			b.ReportMetric(float64(published.Load())/float64(b.N), "msgs/op")
		})
	}
}
