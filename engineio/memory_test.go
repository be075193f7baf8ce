package engineio

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// idleSessions is how many idle WebSocket sessions the memory benchmark
// opens.
const idleSessions = 1000

// rawWebSocketDial opens a WebSocket with a hand-written handshake and no
// client goroutine, so that the measured memory is the server's (plus one
// client net.Conn). It reads the upgrade response and the first frame.
func rawWebSocketDial(addr, path string) (net.Conn, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", path, addr)
	br := bufio.NewReaderSize(conn, 512)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		conn.Close()
		return nil, fmt.Errorf("upgrade: %v %v", res, err)
	}
	// First frame: 2-byte header (payload < 126) + payload.
	hdr := make([]byte, 2)
	if _, err := br.Read(hdr[:1]); err != nil {
		return nil, err
	}
	if _, err := br.Read(hdr[1:]); err != nil {
		return nil, err
	}
	n := int(hdr[1] & 0x7f)
	if _, err := br.Discard(n); err != nil {
		return nil, err
	}
	return conn, nil
}

func heapAndStack() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse + ms.StackInuse
}

// measureIdle opens n idle connections to handler and returns the memory
// they hold per connection.
func measureIdle(b *testing.B, handler http.Handler, path string, n int, wait func(int)) float64 {
	srv := httptest.NewServer(handler)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	// Warm up pools and the listener.
	if c, err := rawWebSocketDial(addr, path); err == nil {
		c.Close()
	}
	before := heapAndStack()
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := rawWebSocketDial(addr, path)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
	}
	wait(n)
	after := heapAndStack()
	return float64(after-before) / float64(n)
}

// BenchmarkIdleWebSocket reports the memory an idle WebSocket session
// holds (runtime.MemStats HeapInuse+StackInuse per connection, server side
// plus the client's net.Conn), against a plain gorilla/websocket server with
// default buffers and one reader goroutine per connection as the peer.
func BenchmarkIdleWebSocket(b *testing.B) {
	b.Run("engineio", func(b *testing.B) {
		var perSession float64
		for b.Loop() {
			srv := NewServer(nil)
			perSession = measureIdle(b, srv, "/engine.io/?EIO=4&transport=websocket", idleSessions, func(n int) {
				for srv.Count() < n {
					time.Sleep(time.Millisecond)
				}
			})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_ = srv.Shutdown(ctx)
			cancel()
		}
		b.ReportMetric(perSession, "bytes/session")
	})
	b.Run("gorilla-default", func(b *testing.B) {
		var perConn float64
		for b.Loop() {
			up := websocket.Upgrader{}
			started := make(chan struct{}, idleSessions+1)
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				c, err := up.Upgrade(w, r, nil)
				if err != nil {
					return
				}
				_ = c.WriteMessage(websocket.TextMessage, []byte("0{}"))
				started <- struct{}{}
				go func() {
					defer c.Close()
					for {
						if _, _, err := c.ReadMessage(); err != nil {
							return
						}
					}
				}()
			})
			perConn = measureIdle(b, h, "/", idleSessions, func(n int) {
				for range n + 1 {
					<-started
				}
			})
		}
		b.ReportMetric(perConn, "bytes/session")
	})
}

// TestIdleWebSocketMemory keeps the idle-session footprint in check: it
// fails when an idle session holds more than 8 KiB.
func TestIdleWebSocketMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("opens many connections")
	}
	res := testing.Benchmark(func(b *testing.B) {
		srv := NewServer(nil)
		per := measureIdle(b, srv, "/engine.io/?EIO=4&transport=websocket", 200, func(n int) {
			for srv.Count() < n {
				time.Sleep(time.Millisecond)
			}
		})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = srv.Shutdown(ctx)
		cancel()
		b.ReportMetric(per, "bytes/session")
	})
	per := res.Extra["bytes/session"]
	t.Logf("idle WebSocket session: %.0f bytes", per)
	if per > 8192 {
		t.Errorf("idle WebSocket session holds %.0f bytes, want at most 8192", per)
	}
}
