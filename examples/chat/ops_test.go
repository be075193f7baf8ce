package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scrape returns the samples of the text exposition at url, by series
// ("name{labels}" as exposed).
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	samples := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		samples[line[:i]] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return samples
}

// TestMetricsAndHealth runs the command, sends a chat message, and checks
// /healthz and that the counters of /metrics moved.
func TestMetricsAndHealth(t *testing.T) {
	url := startChat(t)
	resp, err := http.Get(url + healthPath)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Fatalf("%s: %s %q, want 200 \"ok\\n\"", healthPath, resp.Status, body)
	}
	before := scrape(t, url+metricsPath)

	c, messages := dialChat(t, url, "alice", "lobby")
	ctx, cancel := context.WithTimeout(context.Background(), step)
	defer cancel()
	if res, err := c.Message(ctx, "lobby", "hello"); err != nil || !res.OK {
		t.Fatalf("message: %+v, %v", res, err)
	}
	select {
	case <-messages:
	case <-ctx.Done():
		t.Fatal("the message did not come back")
	}
	// The handlers' counts follow their acknowledgements: scrape until
	// they are in, or the step ends.
	var after map[string]float64
	for {
		after = scrape(t, url+metricsPath)
		done := `socketio_handler_duration_seconds_count{event="message",namespace="/"}`
		if after[done]-before[done] >= 1 || ctx.Err() != nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, c := range []struct {
		series string
		moved  float64
	}{
		{`socketio_engine_connections_opened_total{transport="websocket"}`, 1},
		{`socketio_engine_connections{transport="websocket"}`, 1},
		{`socketio_sockets{namespace="/"}`, 1},
		{`socketio_connects_total{namespace="/",recovered="false"}`, 1},
		{`socketio_events_received_total{namespace="/"}`, 2}, // join, message
		{`socketio_events_handled_total{event="join",namespace="/",outcome="ok"}`, 1},
		{`socketio_events_handled_total{event="message",namespace="/",outcome="ok"}`, 1},
		{`socketio_handler_duration_seconds_count{event="message",namespace="/"}`, 1},
		{`socketio_acks_sent_total{namespace="/"}`, 2},
	} {
		if got := after[c.series] - before[c.series]; got != c.moved {
			t.Errorf("%s moved by %v, want %v", c.series, got, c.moved)
		}
	}
	for _, series := range []string{`socketio_engine_received_bytes_total{transport="websocket"}`, `socketio_engine_sent_bytes_total{transport="websocket"}`} {
		if after[series] <= before[series] {
			t.Errorf("%s did not move", series)
		}
	}
	if after["go_goroutines"] == 0 {
		t.Error("no Go runtime metrics")
	}
}

// TestHealthWhileStopping checks that /healthz answers 503 once the chat
// is shutting down.
func TestHealthWhileStopping(t *testing.T) {
	o, err := newOps()
	if err != nil {
		t.Fatal(err)
	}
	h := o.handler(http.NotFoundHandler())
	for _, c := range []struct {
		stopping bool
		status   int
	}{{false, http.StatusOK}, {true, http.StatusServiceUnavailable}} {
		o.stopping.Store(c.stopping)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, healthPath, nil))
		if rec.Code != c.status {
			t.Errorf("stopping %v: %d, want %d", c.stopping, rec.Code, c.status)
		}
	}
}
