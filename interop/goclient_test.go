package interop

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogo/sio/client"
)

// goClientScenarios are the scenarios TestGoClient runs with sio's Go
// client against Node's socket.io 4.8 server (js/client-server.mjs) and
// against sio's (goclient_server_test.go), over every transport.
var goClientScenarios = []struct {
	name     string
	recovery bool // needs a server with connection state recovery
	run      func(t *testing.T, e *gcEnv)
}{
	{"connect-auth", false, gcConnectAuth},
	{"connect-error", false, gcConnectError},
	{"acks-client-to-server", false, gcAcksClientToServer},
	{"acks-server-to-client", false, gcAcksServerToClient},
	{"binary-events", false, gcBinaryEvents},
	{"catch-all", false, gcCatchAll},
	{"namespaces", false, gcNamespaces},
	{"client-disconnect", false, gcClientDisconnect},
	{"server-disconnect", false, gcServerDisconnect},
	{"manager-close", false, gcManagerClose},
	{"send-buffer", false, gcSendBuffer},
	{"volatile", false, gcVolatile},
	{"reconnection", false, gcReconnection},
	{"recovery", true, gcRecovery},
	{"ack-timeout", false, gcAckTimeout},
	{"retries", false, gcRetries},
	{"retries-in-order", false, gcRetriesInOrder},
	{"retries-reconnection", false, gcRetriesReconnection},
}

// gcWait bounds each wait of a scenario.
const gcWait = 10 * time.Second

// gcEnv is what a scenario gets: the server's URL, the transport mode and
// an observer socket for questions about other sockets.
type gcEnv struct {
	url      string
	mode     string
	observer *client.Socket
}

// tag returns a socket tag unique to the scenario's mode.
func (e *gcEnv) tag(name string) string { return name + "-" + e.mode }

func TestGoClient(t *testing.T) {
	servers := []struct {
		name  string
		start func(t *testing.T, recovery bool) string
	}{
		{"node", func(t *testing.T, recovery bool) string {
			if recovery {
				return startNodeServer(t, "client-server.mjs", "recovery")
			}
			return startNodeServer(t, "client-server.mjs")
		}},
		{"sio", func(t *testing.T, recovery bool) string {
			hs := httptest.NewServer(newGoClientServer(recovery))
			t.Cleanup(hs.Close)
			return hs.URL
		}},
	}
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			urls := map[bool]string{false: srv.start(t, false), true: srv.start(t, true)}
			for _, mode := range []string{"polling", "websocket", "upgrade"} {
				t.Run(mode, func(t *testing.T) {
					for _, sc := range goClientScenarios {
						t.Run(sc.name, func(t *testing.T) {
							e := &gcEnv{url: urls[sc.recovery], mode: mode}
							obs := e.dial(t, nil)
							e.observer = gcConnect(t, obs, "/", authPayload{Token: "ok", Tag: "observer"})
							sc.run(t, e)
						})
					}
				})
			}
		})
	}
}

// options returns the client options of the mode.
func (e *gcEnv) options() *client.Options {
	o := &client.Options{ReconnectionDelay: time.Millisecond, RandomizationFactor: -1}
	switch e.mode {
	case "polling":
		o.Transports = []string{client.Polling}
	case "websocket":
		o.Transports = []string{client.WebSocket}
	}
	return o
}

// dial opens a Manager (with o, or the mode's options) that is closed at
// cleanup; in upgrade mode it waits for the upgrade.
func (e *gcEnv) dial(t *testing.T, o *client.Options) *client.Manager {
	t.Helper()
	if o == nil {
		o = e.options()
	}
	ctx, cancel := context.WithTimeout(context.Background(), gcWait)
	defer cancel()
	m, err := client.Dial(ctx, e.url, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = m.Close()
		<-m.Done()
	})
	if e.mode == "upgrade" {
		gcWaitFor(t, "the upgrade", func() bool { return m.Transport() == client.WebSocket })
	}
	return m
}

// ask emits event with args on s and returns the first argument of the
// acknowledgement decoded into a T.
func gcAsk[T any](t *testing.T, s *client.Socket, event string, args ...any) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), gcWait)
	defer cancel()
	a, err := s.EmitWithAck(ctx, event, args...)
	if err != nil {
		t.Fatalf("%s: %v", event, err)
	}
	var v T
	if err := a.Decode(0, &v); err != nil {
		t.Fatalf("%s: %v (%s)", event, err, a.Raw(0))
	}
	return v
}

// reasonOf waits for the server to report the disconnect reason of tag.
func (e *gcEnv) reasonOf(t *testing.T, tag string) string {
	t.Helper()
	tag = e.tag(tag)
	var r *string
	gcWaitFor(t, "the disconnect reason of "+tag, func() bool {
		r = gcAsk[*string](t, e.observer, "reason-of", tag)
		return r != nil
	})
	return *r
}

// waitSeen waits until the server received event from sockets tagged tag,
// and returns what it received.
func (e *gcEnv) waitSeen(t *testing.T, tag, event string) []string {
	t.Helper()
	tag = e.tag(tag)
	var seen []string
	gcWaitFor(t, event+" at the server", func() bool {
		seen = gcAsk[[]string](t, e.observer, "seen", tag)
		return slices.Contains(seen, event)
	})
	return seen
}

func gcWaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(gcWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func gcRecv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(gcWait):
		t.Fatal("timed out")
	}
	var zero T
	return zero
}

// gcConnect connects the socket of nsp with auth.
func gcConnect(t *testing.T, m *client.Manager, nsp string, auth any) *client.Socket {
	t.Helper()
	s := m.Socket(nsp, &client.SocketOptions{Auth: auth})
	ctx, cancel := context.WithTimeout(context.Background(), gcWait)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// welcomed connects a socket tagged tag to "/" and returns it with the
// channel of its "welcome" events.
func (e *gcEnv) welcomed(t *testing.T, m *client.Manager, tag string) (*client.Socket, chan *client.Event) {
	t.Helper()
	tag = e.tag(tag)
	s := m.Socket("/", &client.SocketOptions{Auth: authPayload{Token: "good", Tag: tag}})
	welcome := make(chan *client.Event, 4)
	s.On("welcome", func(ev *client.Event) { welcome <- ev })
	ctx, cancel := context.WithTimeout(context.Background(), gcWait)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return s, welcome
}

func gcConnectAuth(t *testing.T, e *gcEnv) {
	_, welcome := e.welcomed(t, e.dial(t, nil), "auth")
	ev := gcRecv(t, welcome)
	if got := decodeArg[authPayload](ev.Args, 0); got != (authPayload{Token: "good", Tag: e.tag("auth")}) {
		t.Errorf("server saw auth %+v", got)
	}
	if decodeArg[bool](ev.Args, 1) {
		t.Error("a new socket is recovered")
	}
}

func gcConnectError(t *testing.T, e *gcEnv) {
	s := e.dial(t, nil).Socket("/", &client.SocketOptions{Auth: authPayload{Token: "bad"}})
	ctx, cancel := context.WithTimeout(context.Background(), gcWait)
	defer cancel()
	var ce *client.ConnectError
	if err := s.Connect(ctx); !errors.As(err, &ce) {
		t.Fatalf("Connect = %v, want a *ConnectError", err)
	}
	if ce.Message != "not authorized" || string(ce.Data) != `{"hint":"use a good token"}` {
		t.Errorf("ConnectError %q %s", ce.Message, ce.Data)
	}
}

func gcAcksClientToServer(t *testing.T, e *gcEnv) {
	s, _ := e.welcomed(t, e.dial(t, nil), "acks")
	ctx, cancel := context.WithTimeout(context.Background(), gcWait)
	defer cancel()
	a, err := s.EmitWithAck(ctx, "echo", 1, "two", map[string]any{"three": []int{3}}, []byte{0, 1, 0x1e, 0xff})
	if err != nil {
		t.Fatal(err)
	}
	if a.Len() != 4 || string(a.Raw(0)) != "1" || string(a.Raw(1)) != `"two"` || string(a.Raw(2)) != `{"three":[3]}` {
		t.Fatalf("echo: %d arguments: %s %s %s", a.Len(), a.Raw(0), a.Raw(1), a.Raw(2))
	}
	if b, err := a.Binary(3); err != nil || !bytes.Equal(b, []byte{0, 1, 0x1e, 0xff}) {
		t.Errorf("binary argument %v, %v", b, err)
	}
	none, err := s.EmitWithAck(ctx, "echo")
	if err != nil || none.Len() != 0 {
		t.Errorf("empty echo: %v, %v", none, err)
	}
}

func gcAcksServerToClient(t *testing.T, e *gcEnv) {
	s, _ := e.welcomed(t, e.dial(t, nil), "ask")
	s.On("question", func(ev *client.Event) {
		_ = ev.Ack("answer to " + decodeArg[string](ev.Args, 0))
	})
	if got := gcAsk[string](t, s, "ask", "life"); got != "answer to life" {
		t.Errorf("server got %q", got)
	}
}

func gcBinaryEvents(t *testing.T, e *gcEnv) {
	s, _ := e.welcomed(t, e.dial(t, nil), "binary")
	got := make(chan []byte, 1)
	s.On("file", func(ev *client.Event) {
		b, err := ev.Args.Binary(0)
		if err != nil {
			t.Error(err)
		}
		got <- b
	})
	gcAsk[any](t, s, "join", "files")
	want := bytes.Repeat([]byte{0xde, 0xad, 0x1e}, 1000)
	gcAsk[any](t, s, "room", "files", "file", want)
	if b := gcRecv(t, got); !bytes.Equal(b, want) {
		t.Errorf("got %d bytes", len(b))
	}
}

func gcCatchAll(t *testing.T, e *gcEnv) {
	s, _ := e.welcomed(t, e.dial(t, nil), "any")
	names := make(chan string, 8)
	s.OnAny(func(ev *client.Event) {
		if ev.Name != "welcome" {
			names <- ev.Name
		}
	})
	gcAsk[any](t, s, "join", "any")
	for _, ev := range []string{"one", "two"} {
		gcAsk[any](t, s, "room", "any", ev, ev)
	}
	for _, want := range []string{"one", "two"} {
		if got := gcRecv(t, names); got != want {
			t.Errorf("OnAny got %q, want %q", got, want)
		}
	}
}

func gcNamespaces(t *testing.T, e *gcEnv) {
	m := e.dial(t, nil)
	root, _ := e.welcomed(t, m, "nsp")
	chat := gcConnect(t, m, "/chat", nil)
	a, b := gcAsk[string](t, root, "engine-id"), gcAsk[string](t, chat, "engine-id")
	if a == "" || a != b || a != m.ID() {
		t.Errorf("engine ids %q and %q, Manager %q: not one connection", a, b, m.ID())
	}
	if got := gcAsk[string](t, chat, "echo", "in chat"); got != "in chat" {
		t.Errorf("chat echo %q", got)
	}
}

func gcClientDisconnect(t *testing.T, e *gcEnv) {
	s, _ := e.welcomed(t, e.dial(t, nil), "leaver")
	reasons := make(chan string, 2)
	s.OnDisconnect(func(r string) { reasons <- r })
	s.Disconnect()
	if got := gcRecv(t, reasons); got != client.ReasonClientDisconnect {
		t.Errorf("client reason %q", got)
	}
	if got := e.reasonOf(t, "leaver"); got != "client namespace disconnect" {
		t.Errorf("server reason %q", got)
	}
}

func gcServerDisconnect(t *testing.T, e *gcEnv) {
	s, _ := e.welcomed(t, e.dial(t, nil), "kicked")
	reasons := make(chan string, 2)
	s.OnDisconnect(func(r string) { reasons <- r })
	_ = s.Emit("kick")
	if got := gcRecv(t, reasons); got != client.ReasonServerDisconnect {
		t.Errorf("client reason %q", got)
	}
	if got := e.reasonOf(t, "kicked"); got != "server namespace disconnect" {
		t.Errorf("server reason %q", got)
	}
}

func gcManagerClose(t *testing.T, e *gcEnv) {
	m := e.dial(t, nil)
	e.welcomed(t, m, "closer")
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if got := e.reasonOf(t, "closer"); got != "client namespace disconnect" {
		t.Errorf("server reason %q", got)
	}
}

func gcSendBuffer(t *testing.T, e *gcEnv) {
	m := e.dial(t, nil)
	s := m.Socket("/", &client.SocketOptions{Auth: authPayload{Token: "good", Tag: e.tag("buffer")}})
	for _, ev := range []string{"early-1", "early-2"} {
		if err := s.Emit(ev); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), gcWait)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Emit("later"); err != nil {
		t.Fatal(err)
	}
	if got := e.waitSeen(t, "buffer", "later"); !slices.Equal(got, []string{"early-1", "early-2", "later"}) {
		t.Errorf("server saw %v", got)
	}
}

func gcVolatile(t *testing.T, e *gcEnv) {
	m := e.dial(t, nil)
	s := m.Socket("/", &client.SocketOptions{Auth: authPayload{Token: "good", Tag: e.tag("volatile")}})
	_ = s.EmitVolatile("dropped") // not connected: dropped
	ctx, cancel := context.WithTimeout(context.Background(), gcWait)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	gcAsk[any](t, s, "join", "v") // the transport is idle afterwards
	if err := s.EmitVolatile("kept"); err != nil {
		t.Fatal(err)
	}
	if got := e.waitSeen(t, "volatile", "kept"); slices.Contains(got, "dropped") {
		t.Errorf("server saw %v", got)
	}
}

// gcGate holds the connection attempts of a Manager after its first, so
// that a scenario acts while the client is disconnected.
type gcGate struct {
	mu     sync.Mutex // guards counts
	counts map[string]int
	open   chan struct{}
}

func (g *gcGate) wait(ctx context.Context, kind string) error {
	g.mu.Lock()
	g.counts[kind]++
	first := g.counts[kind] == 1
	g.mu.Unlock()
	if first {
		return nil
	}
	select {
	case <-g.open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type gcRoundTrip func(*http.Request) (*http.Response, error)

func (f gcRoundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// gated returns the mode's options with handshakes and WebSocket dials
// after the first held by the returned gate.
func (e *gcEnv) gated() (*client.Options, *gcGate) {
	g := &gcGate{counts: map[string]int{}, open: make(chan struct{})}
	o := e.options()
	base := http.DefaultTransport.(*http.Transport).Clone()
	o.HTTPClient = &http.Client{Transport: gcRoundTrip(func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("sid") == "" {
			if err := g.wait(r.Context(), "handshake"); err != nil {
				return nil, err
			}
		}
		return base.RoundTrip(r)
	})}
	d := *websocket.DefaultDialer
	var nd net.Dialer
	d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if err := g.wait(ctx, "dial"); err != nil {
			return nil, err
		}
		return nd.DialContext(ctx, network, addr)
	}
	o.Dialer = &d
	return o, g
}

func gcReconnection(t *testing.T, e *gcEnv) {
	o, g := e.gated()
	m := e.dial(t, o)
	s, welcome := e.welcomed(t, m, "reconnect")
	gcRecv(t, welcome)
	events := make(chan string, 8)
	s.OnConnect(func() { events <- "connect" })
	s.OnDisconnect(func(r string) { events <- "disconnect: " + r })
	_ = s.Emit("drop")
	if got := gcRecv(t, events); got != "disconnect: "+client.ReasonTransportClose {
		t.Fatalf("got %q", got)
	}
	if err := s.Emit("while-away"); err != nil {
		t.Fatal(err)
	}
	close(g.open)
	if got := gcRecv(t, events); got != "connect" {
		t.Fatalf("got %q", got)
	}
	gcRecv(t, welcome)
	e.waitSeen(t, "reconnect", "while-away")
	if s.Recovered() {
		t.Error("recovered without connection state recovery")
	}
}

func gcRecovery(t *testing.T, e *gcEnv) {
	o, g := e.gated()
	m := e.dial(t, o)
	s, welcome := e.welcomed(t, m, "recover")
	gcRecv(t, welcome)
	news := make(chan string, 8)
	s.On("news", func(ev *client.Event) { news <- decodeArg[string](ev.Args, 0) })
	gcAsk[any](t, s, "join", "recover-room")
	gcAsk[any](t, s, "room", "recover-room", "news", "live")
	if got := gcRecv(t, news); got != "live" {
		t.Fatalf("got %q", got)
	}
	id := s.ID()
	_ = s.Emit("drop")
	e.reasonOf(t, "recover")
	gcAsk[any](t, e.observer, "room", "recover-room", "news", "missed")
	close(g.open)
	if got := gcRecv(t, news); got != "missed" {
		t.Fatalf("got %q, want the missed event", got)
	}
	if ev := gcRecv(t, welcome); !decodeArg[bool](ev.Args, 1) {
		t.Error("the server did not recover the socket")
	}
	if !s.Recovered() || s.ID() != id {
		t.Errorf("Recovered %v, id %q then %q", s.Recovered(), id, s.ID())
	}
}

// retrying connects a socket tagged tag with sopts (its Auth set here) and
// returns it with a function that counts its outgoing packets by name.
func (e *gcEnv) retrying(t *testing.T, tag string, sopts client.SocketOptions) (*client.Socket, func(name string) int) {
	t.Helper()
	sopts.Auth = authPayload{Token: "good", Tag: e.tag(tag)}
	s := e.dial(t, nil).Socket("/", &sopts)
	var mu sync.Mutex // guards out
	out := map[string]int{}
	s.OnAnyOutgoing(func(ev *client.Event) {
		mu.Lock()
		out[ev.Name]++
		mu.Unlock()
	})
	ctx, cancel := context.WithTimeout(context.Background(), gcWait)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return s, func(name string) int {
		mu.Lock()
		defer mu.Unlock()
		return out[name]
	}
}

// count returns how many of seen are event.
func count(seen []string, event string) int {
	n := 0
	for _, s := range seen {
		if s == event {
			n++
		}
	}
	return n
}

func gcAckTimeout(t *testing.T, e *gcEnv) {
	s, _ := e.retrying(t, "ack-timeout", client.SocketOptions{AckTimeout: 50 * time.Millisecond})
	// No deadline: AckTimeout bounds the wait.
	if _, err := s.EmitWithAck(context.Background(), "ignored"); !errors.Is(err, client.ErrAckTimeout) {
		t.Errorf("EmitWithAck = %v, want ErrAckTimeout", err)
	}
	// A deadline replaces it (socket.timeout(ms)).
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := s.EmitWithAck(ctx, "ignored"); !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, client.ErrAckTimeout) {
		t.Errorf("EmitWithAck with a deadline = %v, want the context's DeadlineExceeded", err)
	}
	// An answer in time is not affected.
	if got := gcAsk[string](t, s, "echo", "in time"); got != "in time" {
		t.Errorf("echo %q", got)
	}
}

func gcRetries(t *testing.T, e *gcEnv) {
	tests := []struct {
		name    string
		retries int
		timeout time.Duration
		event   string
		args    []any
		wantErr error
		want    int // the server's receipts (at least, when acknowledged)
	}{
		// An acknowledgement may come after AckTimeout on a slow machine:
		// retry without limit, the outcome is the same.
		{"acknowledged from the third receipt", -1, 200 * time.Millisecond, "flaky", []any{e.tag("flaky"), 3}, nil, 3},
		{"never acknowledged", 2, 50 * time.Millisecond, "ignored", nil, client.ErrAckTimeout, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tag := "retries-" + tt.event
			s, outgoing := e.retrying(t, tag, client.SocketOptions{Retries: tt.retries, AckTimeout: tt.timeout})
			ctx, cancel := context.WithTimeout(context.Background(), gcWait)
			defer cancel()
			a, err := s.EmitWithAck(ctx, tt.event, tt.args...)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("EmitWithAck = %v, want %v", err, tt.wantErr)
			}
			n := 0
			if err == nil {
				n = decodeArg[int](a, 0)
				if n < tt.want {
					t.Errorf("acknowledged at receipt %d, want %d or later", n, tt.want)
				}
			} else {
				gcAsk[int](t, s, "flaky", e.tag(tag), 1) // every try arrived before this
				n = count(e.waitSeen(t, tag, "flaky"), tt.event)
				if n != tt.want {
					t.Errorf("the server received %d tries, want %d", n, tt.want)
				}
			}
			// The handlers of a try sent by a timer may run after the
			// answer came.
			gcWaitFor(t, "OnAnyOutgoing to see every try", func() bool { return outgoing(tt.event) >= n })
			if got := outgoing(tt.event); got != n {
				t.Errorf("OnAnyOutgoing saw %d tries, the server %d", got, n)
			}
		})
	}
}

// gcRetriesInOrder: with retries, Emit and EmitWithAck are queued and sent
// one at a time, each once the previous was acknowledged.
func gcRetriesInOrder(t *testing.T, e *gcEnv) {
	s, _ := e.retrying(t, "in-order", client.SocketOptions{Retries: 3})
	for _, ev := range []string{"one", "two"} {
		if err := s.Emit("flaky", e.tag(ev), 1); err != nil {
			t.Fatal(err)
		}
	}
	if got := gcAsk[int](t, s, "echo", 3); got != 3 {
		t.Errorf("echo %d", got)
	}
	seen := e.waitSeen(t, "in-order", "echo")
	if !slices.Equal(seen, []string{"flaky", "flaky", "echo"}) {
		t.Errorf("server saw %v", seen)
	}
}

// gcRetriesReconnection: a lost connection ends a try; the packet is sent
// again after the reconnection, Retries times at most.
func gcRetriesReconnection(t *testing.T, e *gcEnv) {
	s, outgoing := e.retrying(t, "retry-drop", client.SocketOptions{Retries: 1})
	ctx, cancel := context.WithTimeout(context.Background(), gcWait)
	defer cancel()
	if _, err := s.EmitWithAck(ctx, "drop"); !errors.Is(err, client.ErrDisconnected) {
		t.Fatalf("EmitWithAck = %v, want ErrDisconnected", err)
	}
	gcAsk[int](t, s, "flaky", e.tag("retry-drop"), 1) // after the next reconnection
	if n := count(e.waitSeen(t, "retry-drop", "flaky"), "drop"); n != 2 {
		t.Errorf("the server received %d tries, want 2", n)
	}
	gcWaitFor(t, "OnAnyOutgoing to see every try", func() bool { return outgoing("drop") >= 2 })
	if got := outgoing("drop"); got != 2 {
		t.Errorf("OnAnyOutgoing saw %d tries, want 2", got)
	}
}
