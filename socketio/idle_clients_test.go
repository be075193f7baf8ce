package socketio

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
)

// idleClientsEnv, when set in a test binary's environment to "ADDR N",
// makes it the client process of BenchmarkIdleConnections (see TestMain):
// it opens N WebSocket connections to ADDR, joins "/" on each, prints
// "ready" and holds them until its standard input closes.
const idleClientsEnv = "SIO_IDLE_CLIENTS"

// runIdleClients is the client process of BenchmarkIdleConnections.
func runIdleClients(spec string) int {
	addr, count, _ := strings.Cut(spec, " ")
	n, err := strconv.Atoi(count)
	if err != nil {
		fmt.Fprintln(os.Stderr, "idle clients:", err)
		return 2
	}
	url := "ws://" + addr + "/socket.io/?EIO=4&transport=websocket"
	conns := make([]*websocket.Conn, 0, n)
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, 32)
	)
	for range n {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			c, err := dialIdle(url)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				firstErr = err
				return
			}
			conns = append(conns, c)
		})
	}
	wg.Wait()
	if firstErr != nil {
		fmt.Fprintln(os.Stderr, "idle clients:", firstErr)
		return 1
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		_ = c.Close()
	}
	return 0
}

// dialIdle opens a WebSocket session and joins "/" on it.
func dialIdle(url string) (*websocket.Conn, error) {
	c, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*websocket.Conn, error) {
		_ = c.Close()
		return nil, err
	}
	if _, m, err := c.ReadMessage(); err != nil || len(m) == 0 || m[0] != '0' {
		return fail(fmt.Errorf("open packet: %q, %v", m, err))
	}
	if err := c.WriteMessage(websocket.TextMessage, []byte("40")); err != nil {
		return fail(err)
	}
	if _, m, err := c.ReadMessage(); err != nil || !strings.HasPrefix(string(m), "40{") {
		return fail(fmt.Errorf("CONNECT reply: %q, %v", m, err))
	}
	return c, nil
}
