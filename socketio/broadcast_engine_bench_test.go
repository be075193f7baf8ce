//go:build unix

package socketio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogo/sio/engineio"
)

// Bounds of the real-engine broadcast benchmark.
const (
	// realDialConcurrency bounds the handshakes in flight while the
	// receivers connect.
	realDialConcurrency = 64
	// realSendQueueSize is the Engine.IO send queue bound of the server:
	// large enough that no receiver falls that far behind during a run
	// (a receiver that did would be disconnected and the run would fail).
	realSendQueueSize = 1 << 20
	// realDeliveryTimeout bounds the wait for the last receiver to read
	// every broadcast of a run.
	realDeliveryTimeout = 2 * time.Minute
	// realFrameBuffer is each receiver's read buffer.
	realFrameBuffer = 4096
)

// BenchmarkBroadcastRealEngine is BenchmarkBroadcast over real Engine.IO
// sessions: every receiver is a WebSocket client on the loopback
// interface, connected to "/" through the whole stack (engineio.Server,
// its WebSocket transport and send queue, the flusher goroutine).
//
// The timer covers the Emit calls and then the wait until every receiver
// has read every broadcast, so ns/op and allocs/op are per broadcast,
// delivered: Emit (encode once, one queue push per receiver) plus the
// writes of the session flushers. allocs/receiver and ns/receiver divide
// them by the receivers, and B/receiver the bytes allocated. The receivers
// parse the frames from a fixed buffer of their own and allocate nothing
// per message, so what is counted is the server's work.
//
// n receivers need 2n file descriptors (both ends of each connection): a
// case raises RLIMIT_NOFILE when it can (the soft limit to the hard one,
// then both, which takes CAP_SYS_RESOURCE) and is skipped below 2n+5,000
// (25,000 for 10,000 receivers). The cases above 1,000 receivers are
// skipped with -short. 5,000 is there for machines whose hard limit stops
// short of the 10,000 case.
func BenchmarkBroadcastRealEngine(b *testing.B) {
	for _, n := range []int{1_000, 5_000, 10_000} {
		b.Run(fmt.Sprintf("receivers=%d", n), func(b *testing.B) {
			if n > 1_000 && testing.Short() {
				b.Skipf("%d WebSocket connections: skipped with -short", n)
			}
			// Both ends of every connection, and room for the rest.
			need := uint64(2*n + 5_000)
			if got, err := raiseFileLimit(need); got < need {
				b.Skipf("RLIMIT_NOFILE is %d (< %d) and could not be raised: %v", got, need, err)
			}
			benchRealBroadcast(b, n)
		})
	}
}

// raiseFileLimit raises the soft RLIMIT_NOFILE to the hard limit, and when
// that is below need, tries to raise both to need (which takes privileges).
// It returns the resulting soft limit.
func raiseFileLimit(need uint64) (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	var err error
	if lim.Cur < lim.Max {
		err = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: lim.Max, Max: lim.Max})
	}
	if err == nil && lim.Max < need {
		err = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: need, Max: need})
	}
	if gerr := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); gerr != nil {
		return 0, gerr
	}
	return lim.Cur, err
}

func benchRealBroadcast(b *testing.B, n int) {
	srv := NewServer(&Options{
		Logger: quietLog,
		Engine: &engineio.Options{
			Transports:    []string{engineio.TransportWebSocket},
			PingInterval:  time.Hour, // no heartbeat traffic during a run
			PingTimeout:   time.Hour,
			SendQueueSize: realSendQueueSize,
		},
	})
	hs := httptest.NewServer(srv)
	peers := make([]*realPeer, 0, n)
	var readers sync.WaitGroup
	ctr := &realCounter{done: make(chan struct{})}
	ctr.target.Store(-1)
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			b.Errorf("Shutdown: %v", err)
		}
		for _, p := range peers {
			_ = p.ws.Close()
		}
		readers.Wait()
		hs.Close()
	})

	url := "ws" + strings.TrimPrefix(hs.URL, "http") + "/socket.io/?EIO=4&transport=websocket"
	var (
		mu       sync.Mutex
		firstErr error
		dialing  sync.WaitGroup
		slots    = make(chan struct{}, realDialConcurrency)
	)
	for range n {
		slots <- struct{}{}
		dialing.Go(func() {
			defer func() { <-slots }()
			p, err := dialRealPeer(url)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			peers = append(peers, p)
			readers.Go(func() { p.read(ctr) })
		})
	}
	dialing.Wait()
	if firstErr != nil {
		b.Fatalf("connecting %d receivers: %v", n, firstErr)
	}
	if got := len(srv.main().Sockets()); got != n {
		b.Fatalf("%d sockets connected, want %d", got, n)
	}

	m := benchMessage{Text: "hi", Room: "lobby"}
	b.ReportAllocs()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	sent := 0
	for b.Loop() {
		if err := srv.Emit("chat_message", m); err != nil {
			b.Fatal(err)
		}
		sent++
	}
	// The flushers may still be writing: the wait for the receivers is
	// part of the measurement.
	b.StartTimer()
	want := int64(sent) * int64(n)
	err := ctr.wait(want, realDeliveryTimeout)
	b.StopTimer()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err != nil {
		b.Fatalf("%v (%d of %d messages received)", err, ctr.got.Load(), want)
	}
	for _, p := range peers {
		if got := p.events.Load(); got != int64(sent) {
			b.Fatalf("a receiver got %d events, want %d", got, sent)
		}
	}
	per := float64(want)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/per, "allocs/receiver")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/per, "B/receiver")
	b.ReportMetric(float64(elapsed.Nanoseconds())/per, "ns/receiver")
}

// realCounter counts the events received by all receivers and signals
// when target is reached.
type realCounter struct {
	got    atomic.Int64
	target atomic.Int64 // -1 until the broadcasts are all sent
	once   sync.Once
	done   chan struct{}
	dead   atomic.Int64          // receivers whose connection ended early
	err    atomic.Pointer[error] // the first one's error
}

func (c *realCounter) add() {
	if got := c.got.Add(1); got == c.target.Load() {
		c.finish()
	}
}

func (c *realCounter) finish() { c.once.Do(func() { close(c.done) }) }

// wait sets the target and waits until it is reached, a receiver lost its
// connection, or timeout passed.
func (c *realCounter) wait(target int64, timeout time.Duration) error {
	c.target.Store(target)
	if c.got.Load() >= target {
		c.finish()
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-c.done:
		if d := c.dead.Load(); d > 0 {
			return fmt.Errorf("%d receivers lost their connection, the first with: %v", d, *c.err.Load())
		}
		return nil
	case <-t.C:
		return fmt.Errorf("receivers still reading after %v", timeout)
	}
}

// realPeer is one receiver: a gorilla WebSocket client that did the
// Engine.IO and Socket.IO handshakes, then reads frames itself.
type realPeer struct {
	ws     *websocket.Conn
	events atomic.Int64
}

// dialRealPeer connects a client to "/" and returns it once the server's
// CONNECT reply arrived.
func dialRealPeer(url string) (*realPeer, error) {
	d := websocket.Dialer{HandshakeTimeout: 30 * time.Second}
	ws, _, err := d.Dial(url, nil)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*realPeer, error) {
		_ = ws.Close()
		return nil, err
	}
	if err := ws.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
		return fail(err)
	}
	_, open, err := ws.ReadMessage()
	if err != nil {
		return fail(err)
	}
	if !bytes.HasPrefix(open, []byte("0{")) {
		return fail(fmt.Errorf("open packet %q", open))
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte("40")); err != nil {
		return fail(err)
	}
	_, reply, err := ws.ReadMessage()
	if err != nil {
		return fail(err)
	}
	if !bytes.HasPrefix(reply, []byte(`40{"sid":`)) {
		return fail(fmt.Errorf("CONNECT reply %q", reply))
	}
	if err := ws.SetReadDeadline(time.Time{}); err != nil {
		return fail(err)
	}
	return &realPeer{ws: ws}, nil
}

var errMaskedFrame = errors.New("masked frame from the server")

// read reads frames until the connection ends: it counts the events
// ("42[..."), answers Engine.IO pings and discards everything else.
//
// gorilla's reader allocates per message, which would be counted as the
// server's; so frames are parsed here from the raw connection, into a
// fixed buffer. Nothing is buffered in gorilla's reader at this point:
// the server sends nothing between the CONNECT reply and the first
// broadcast (the heartbeat is an hour away).
func (p *realPeer) read(ctr *realCounter) {
	r := bufio.NewReaderSize(p.ws.NetConn(), realFrameBuffer)
	var hdr [8]byte
	buf := make([]byte, 0, realFrameBuffer)
	for {
		if _, err := io.ReadFull(r, hdr[:2]); err != nil {
			p.end(ctr, err)
			return
		}
		op := hdr[0] & 0x0f // the server's messages are single frames
		if hdr[1]&0x80 != 0 {
			p.end(ctr, errMaskedFrame)
			return
		}
		size := uint64(hdr[1] & 0x7f)
		switch size {
		case 126:
			if _, err := io.ReadFull(r, hdr[:2]); err != nil {
				p.end(ctr, err)
				return
			}
			size = uint64(binary.BigEndian.Uint16(hdr[:2]))
		case 127:
			if _, err := io.ReadFull(r, hdr[:8]); err != nil {
				p.end(ctr, err)
				return
			}
			size = binary.BigEndian.Uint64(hdr[:8])
		}
		if uint64(cap(buf)) < size {
			buf = make([]byte, size)
		}
		payload := buf[:size]
		if _, err := io.ReadFull(r, payload); err != nil {
			p.end(ctr, err)
			return
		}
		switch op {
		case websocket.TextMessage:
			switch {
			case bytes.HasPrefix(payload, []byte("42[")):
				p.events.Add(1)
				ctr.add()
			case len(payload) == 1 && payload[0] == '2':
				// An Engine.IO ping (none within a run): answer it.
				if err := p.ws.WriteMessage(websocket.TextMessage, []byte("3")); err != nil {
					p.end(ctr, err)
					return
				}
			}
		case websocket.CloseMessage:
			p.end(ctr, io.EOF)
			return
		}
	}
}

// end records a connection that ended before the run was over (after it,
// Shutdown closes them all), so that the wait fails at once.
func (p *realPeer) end(ctr *realCounter, err error) {
	if t := ctr.target.Load(); t >= 0 && ctr.got.Load() >= t {
		return
	}
	ctr.err.CompareAndSwap(nil, &err)
	ctr.dead.Add(1)
	ctr.finish()
}
