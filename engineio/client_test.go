package engineio

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// This file holds a small Engine.IO client speaking the protocol over
// net/http and gorilla/websocket, and the test environment: a Server behind
// a real listener on 127.0.0.1:0, or behind an in-memory listener for tests
// inside a testing/synctest bubble.

// mode is how a test client connects.
type mode int

const (
	modePolling   mode = iota // long-polling only
	modeWebSocket             // WebSocket from the start
	modeUpgrade               // polling handshake, then upgrade to WebSocket
)

var allModes = []mode{modePolling, modeWebSocket, modeUpgrade}

func (m mode) String() string {
	return [...]string{"polling", "websocket", "upgrade"}[m]
}

// run runs f as a subtest for each mode.
func run(t *testing.T, f func(t *testing.T, m mode), modes ...mode) {
	t.Helper()
	if len(modes) == 0 {
		modes = allModes
	}
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) { f(t, m) })
	}
}

// closeEvent is one OnClose call.
type closeEvent struct {
	sid    string
	reason CloseReason
	err    error
}

// env is a Server under test with the means to reach it.
type env struct {
	t        testing.TB
	srv      *Server
	base     string // http URL of the engine.io path
	http     *http.Client
	dialer   *websocket.Dialer
	rawDial  func() (net.Conn, error) // a connection to the server, for raw HTTP
	sessions chan *Session
	closes   chan closeEvent
	wait     time.Duration // how long a client waits for a packet

	mu      sync.Mutex
	clients []*client // closed after Shutdown by the cleanup
}

// closeClients closes every client dialed.
func (e *env) closeClients() {
	e.mu.Lock()
	cs := e.clients
	e.clients = nil
	e.mu.Unlock()
	for _, c := range cs {
		c.close()
	}
}

// envOptions tweak newEnv.
type envOptions struct {
	opts     *Options
	inMemory bool           // in-memory listener (for synctest bubbles)
	onConn   func(*Session) // default: echo
	// listener, when set, wraps the real listener (not the in-memory one).
	listener func(net.Listener) net.Listener
}

// newEnv starts a server whose sessions echo every message (unless
// eo.onConn says otherwise) and report OnConnection/OnClose on channels.
func newEnv(t testing.TB, eo envOptions) *env {
	t.Helper()
	e := &env{
		t:        t,
		srv:      NewServer(eo.opts),
		sessions: make(chan *Session, 1024),
		closes:   make(chan closeEvent, 1024),
		wait:     10 * time.Second,
	}
	e.srv.OnConnection(func(s *Session) {
		s.OnClose(func(reason CloseReason, err error) {
			e.closes <- closeEvent{s.ID(), reason, err}
		})
		if eo.onConn != nil {
			eo.onConn(s)
		} else {
			s.OnMessage(func(m Message) { _ = s.Send(m) })
		}
		e.sessions <- s
	})
	path := e.srv.cfg.path
	if eo.inMemory {
		l := newPipeListener()
		hs := &http.Server{Handler: e.srv}
		go func() { _ = hs.Serve(l) }()
		tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return l.dial() }}
		e.http = &http.Client{Transport: tr}
		e.dialer = &websocket.Dialer{NetDialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return l.dial() }}
		e.rawDial = l.dial
		e.base = "http://eio.test" + path
		e.wait = time.Hour // fake time
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_ = e.srv.Shutdown(ctx)
			e.closeClients()
			_ = hs.Close()
			tr.CloseIdleConnections()
		})
		return e
	}
	hs := httptest.NewUnstartedServer(e.srv)
	if eo.listener != nil {
		hs.Listener = eo.listener(hs.Listener)
	}
	hs.Start()
	tr := &http.Transport{}
	e.http = &http.Client{Transport: tr}
	e.dialer = &websocket.Dialer{}
	e.base = hs.URL + path
	e.rawDial = func() (net.Conn, error) { return net.Dial("tcp", hs.Listener.Addr().String()) }
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		e.closeClients()
		hs.Close()
		tr.CloseIdleConnections()
	})
	return e
}

// session waits for the next OnConnection.
func (e *env) session() *Session {
	e.t.Helper()
	select {
	case s := <-e.sessions:
		return s
	case <-time.After(e.wait):
		e.t.Fatal("no session connected")
		return nil
	}
}

// closed waits for the next OnClose.
func (e *env) closed() closeEvent {
	e.t.Helper()
	select {
	case c := <-e.closes:
		return c
	case <-time.After(e.wait):
		e.t.Fatal("no session closed")
		return closeEvent{}
	}
}

// url returns the engine.io URL with the query.
func (e *env) url(query string) string { return e.base + "?" + query }

func (e *env) wsURL(query string) string { return "ws" + strings.TrimPrefix(e.url(query), "http") }

// client is a test Engine.IO client.
type client struct {
	t        testing.TB
	e        *env
	mode     mode
	sid      string
	open     openPacket
	autoPong bool

	pkts   chan packet   // packets received (pings too when !autoPong)
	ended  chan struct{} // closed when the transport's reader stopped
	wmu    chanMutex     // serializes WebSocket writes and POSTs
	ws     *websocket.Conn
	wsErr  error         // the error that ended readWS; read after ended
	stop   chan struct{} // stops the polling loop
	pollWG sync.WaitGroup
	ctx    context.Context // canceled by close: aborts the waiting GET
	// closeBatch is how many packets the polling response carrying the
	// close packet held; stored before the close packet is handed over.
	closeBatch atomic.Int32
	cancel     context.CancelFunc
	closeOnce  sync.Once
}

// chanMutex is a mutex made of a channel: a goroutine waiting for it is
// durably blocked in a synctest bubble (one waiting for a sync.Mutex is
// not), so that fake time goes on while a POST is held by the server.
type chanMutex chan struct{}

func (m chanMutex) Lock()   { m <- struct{}{} }
func (m chanMutex) Unlock() { <-m }

// dial connects a client in mode m. It answers pings unless autoPong is
// turned off with noPong.
func (e *env) dial(m mode, noPong ...bool) *client {
	e.t.Helper()
	c := &client{t: e.t, e: e, mode: m, autoPong: len(noPong) == 0 || !noPong[0], pkts: make(chan packet, 1<<14), wmu: make(chanMutex, 1), ended: make(chan struct{}), stop: make(chan struct{})}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	e.mu.Lock()
	e.clients = append(e.clients, c)
	e.mu.Unlock()
	switch m {
	case modeWebSocket:
		conn, _, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket"), nil)
		if err != nil {
			e.t.Fatalf("dial websocket: %v", err)
		}
		c.ws = conn
		_, data, err := conn.ReadMessage()
		if err != nil {
			e.t.Fatalf("read open packet: %v", err)
		}
		c.parseOpen(data)
		go c.readWS()
	default:
		status, body := e.get("EIO=4&transport=polling")
		if status != 200 {
			e.t.Fatalf("handshake: status %d: %s", status, body)
		}
		c.parseOpen(body)
		c.pollWG.Add(1)
		go c.pollLoop()
		if m == modeUpgrade {
			c.upgrade()
		}
	}
	return c
}

func (c *client) parseOpen(data []byte) {
	c.t.Helper()
	if len(data) == 0 || data[0] != typeOpen {
		c.t.Fatalf("first packet %q is not an open packet", data)
	}
	if err := json.Unmarshal(data[1:], &c.open); err != nil {
		c.t.Fatalf("open packet %q: %v", data, err)
	}
	c.sid = c.open.SID
}

// dialWebSocket opens a WebSocket for the session sid (a probe, for a
// polling session), closed when the test ends.
func (e *env) dialWebSocket(t testing.TB, sid string) *websocket.Conn {
	t.Helper()
	ws, _, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket&sid="+url.QueryEscape(sid)), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// exchangeProbe sends "2probe" on ws and fails the test unless the server answers
// "3probe".
func exchangeProbe(t testing.TB, ws *websocket.Conn) {
	t.Helper()
	_ = ws.WriteMessage(websocket.TextMessage, []byte("2probe"))
	if _, data, _ := ws.ReadMessage(); string(data) != "3probe" {
		t.Fatalf("got %q, want 3probe", data)
	}
}

// upgrade performs the probe and switch to WebSocket.
func (c *client) upgrade() {
	c.t.Helper()
	conn, _, err := c.e.dialer.Dial(c.e.wsURL("EIO=4&transport=websocket&sid="+url.QueryEscape(c.sid)), nil)
	if err != nil {
		c.t.Fatalf("dial probe: %v", err)
	}
	if err := conn.WriteMessage(websocket.TextMessage, []byte("2probe")); err != nil {
		c.t.Fatalf("write probe: %v", err)
	}
	_, data, err := conn.ReadMessage()
	if err != nil || string(data) != "3probe" {
		c.t.Fatalf("probe answer %q, %v", data, err)
	}
	close(c.stop)
	c.pollWG.Wait() // the server releases the waiting GET with a noop
	c.ws = conn
	if err := conn.WriteMessage(websocket.TextMessage, []byte("5")); err != nil {
		c.t.Fatalf("write upgrade: %v", err)
	}
	go c.readWS()
}

// get sends a GET to the engine.io path.
func (e *env) get(query string) (int, []byte) {
	return e.do(http.MethodGet, query, nil, nil)
}

// do sends a request and returns status and body.
func (e *env) do(method, query string, body []byte, hdr http.Header) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url(query), bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	res, err := e.http.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, query, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("%s %s: reading body: %v", method, query, err)
	}
	return res.StatusCode, b
}

// pollLoop keeps one GET waiting, until stopped or the session ends.
func (c *client) pollLoop() {
	defer c.pollWG.Done()
	defer func() {
		select {
		case <-c.stop:
		default:
			close(c.ended)
		}
	}()
	for {
		select {
		case <-c.stop:
			return
		default:
		}
		req, _ := http.NewRequestWithContext(c.ctx, http.MethodGet, c.e.url("EIO=4&transport=polling&sid="+url.QueryEscape(c.sid)), nil)
		res, err := c.e.http.Do(req)
		if err != nil {
			return
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			return
		}
		n, hasClose := 0, false
		_ = decodePayload(body, func(p packet) error {
			n++
			hasClose = hasClose || p.typ == typeClose
			return nil
		})
		if hasClose {
			c.closeBatch.Store(int32(n))
		}
		closed := false
		err = decodePayload(body, func(p packet) error {
			if p.typ == typeMessage && !p.binary {
				p.data = bytes.Clone(p.data)
			}
			closed = closed || c.handle(p)
			return nil
		})
		if err != nil {
			c.t.Errorf("bad payload %q: %v", body, err)
			return
		}
		if closed {
			return
		}
	}
}

// handle processes a received packet and reports whether it was a close.
func (c *client) handle(p packet) bool {
	switch {
	case p.typ == typeNoop:
		return false
	case p.typ == typePing && c.autoPong:
		_ = c.sendPacket(packet{typ: typePong})
		return false
	}
	c.pkts <- p
	return p.typ == typeClose
}

// readWS reads the WebSocket until it fails.
func (c *client) readWS() {
	defer close(c.ended)
	for {
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			c.wsErr = err
			return
		}
		p := packet{typ: typeMessage, binary: true, data: data}
		if mt == websocket.TextMessage {
			if p, err = decodeText(data); err != nil {
				c.t.Errorf("bad packet %q: %v", data, err)
				return
			}
		}
		if c.handle(p) {
			return
		}
	}
}

// transport is the client's current transport.
func (c *client) transport() string {
	if c.ws != nil {
		return TransportWebSocket
	}
	return TransportPolling
}

// sendPacket sends packets: as one POST payload, or as WebSocket frames.
func (c *client) sendPacket(pkts ...packet) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.ws != nil {
		for _, p := range pkts {
			var err error
			if p.binary {
				err = c.ws.WriteMessage(websocket.BinaryMessage, p.data)
			} else {
				err = c.ws.WriteMessage(websocket.TextMessage, p.appendText(nil))
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	req, _ := http.NewRequest(http.MethodPost, c.e.url("EIO=4&transport=polling&sid="+url.QueryEscape(c.sid)), bytes.NewReader(appendPayload(nil, pkts)))
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	res, err := c.e.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || string(body) != "ok" {
		return fmt.Errorf("POST: %d %q", res.StatusCode, body)
	}
	return nil
}

// send sends messages and fails the test on error.
func (c *client) send(msgs ...Message) {
	c.t.Helper()
	pkts := make([]packet, len(msgs))
	for i, m := range msgs {
		pkts[i] = packet{typ: typeMessage, binary: m.Binary, data: m.Data}
	}
	if err := c.sendPacket(pkts...); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// next returns the next received packet.
func (c *client) next() packet {
	c.t.Helper()
	select {
	case p := <-c.pkts:
		return p
	case <-time.After(c.e.wait):
		c.t.Fatal("no packet received")
		return packet{}
	}
}

// nextMessage returns the next packet, which must be a message.
func (c *client) nextMessage() Message {
	c.t.Helper()
	p := c.next()
	if p.typ != typeMessage {
		c.t.Fatalf("got packet type %c %q, want a message", p.typ, p.data)
	}
	return Message{Data: p.data, Binary: p.binary}
}

// waitEnded waits until the transport's reader stopped.
func (c *client) waitEnded() {
	c.t.Helper()
	select {
	case <-c.ended:
	case <-time.After(c.e.wait):
		c.t.Fatal("transport did not end")
	}
}

// close closes the client's connections without a close packet.
func (c *client) close() {
	c.closeOnce.Do(c.doClose)
}

func (c *client) doClose() {
	if c.ws != nil {
		_ = c.ws.Close()
	}
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	c.cancel()
	c.pollWG.Wait()
}

// pipeListener is an in-memory net.Listener whose connections are
// net.Pipe pairs, usable inside a synctest bubble.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) dial() (net.Conn, error) {
	a, b := net.Pipe()
	select {
	case l.conns <- b:
		return a, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// waitFor waits until cond holds (polling it), failing the test after the
// env's wait time.
func (e *env) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(e.wait)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// pollPending reports whether a GET of s waits for packets.
func pollPending(s *Session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pollWake != nil
}

// sendRaw sends one raw text packet: a WebSocket text frame, or a POST body.
func (c *client) sendRaw(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.ws != nil {
		return c.ws.WriteMessage(websocket.TextMessage, b)
	}
	status, body := c.e.do(http.MethodPost, "EIO=4&transport=polling&sid="+url.QueryEscape(c.sid), b, nil)
	if status != 200 {
		return fmt.Errorf("POST: %d %s", status, body)
	}
	return nil
}
