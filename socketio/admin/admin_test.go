package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/siotest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/admin"
)

// transports are the ways a client connects: each behaviour is tested
// over each.
var transports = []struct {
	name string
	list []string
}{
	{"polling", []string{client.Polling}},
	{"websocket", []string{client.WebSocket}},
	{"upgrade", []string{client.Polling, client.WebSocket}},
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// hash is the bcrypt hash of "secret", at bcrypt's lowest cost.
var hash = func() string {
	h, err := bcrypt.GenerateFromPassword([]byte("secret"), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}()

// setup makes an Admin with opts, a server instrumented with it whose
// main namespace puts each socket in the room "lobby", attached, and a
// kit whose clients use transports. The test's cleanup closes it all.
func setup(t *testing.T, transports []string, opts *admin.Options) (*admin.Admin, *socketio.Server, *siotest.Kit) {
	t.Helper()
	o := *opts
	o.Logger = quiet
	a, err := admin.New(&o)
	if err != nil {
		t.Fatal(err)
	}
	srv := socketio.NewServer(a.Instrument(&socketio.Options{Logger: quiet}))
	srv.OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
		s.Join("lobby")
		s.SetData(map[string]string{"nick": "alice"})
		return nil
	})
	t.Cleanup(func() {
		_ = a.Close()
		_ = srv.Shutdown(context.Background())
	})
	if err := a.Attach(srv); err != nil {
		t.Fatal(err)
	}
	return a, srv, siotest.New(t, srv, &siotest.Options{Client: &client.Options{Transports: transports}})
}

// decode decodes argument i of ev.
func decode[T any](t *testing.T, ev *client.Event, i int) T {
	t.Helper()
	var v T
	if err := ev.Args.Decode(i, &v); err != nil {
		t.Fatalf("%s argument %d: %v", ev.Name, i, err)
	}
	return v
}

// socketJSON is the UI's SerializedSocket, as the tests read it.
type socketJSON struct {
	ID        string         `json:"id"`
	ClientID  string         `json:"clientId"`
	Transport string         `json:"transport"`
	Nsp       string         `json:"nsp"`
	Data      map[string]any `json:"data"`
	Handshake map[string]any `json:"handshake"`
	Rooms     []string       `json:"rooms"`
}

// statsJSON is the server_stats argument, as the tests read it.
type statsJSON struct {
	ServerID            string `json:"serverId"`
	Hostname            string `json:"hostname"`
	PID                 int    `json:"pid"`
	Uptime              float64
	ClientsCount        int `json:"clientsCount"`
	PollingClientsCount int `json:"pollingClientsCount"`
	AggregatedEvents    []struct {
		Timestamp int64  `json:"timestamp"`
		Type      string `json:"type"`
		SubType   string `json:"subType"`
		Count     int64  `json:"count"`
	} `json:"aggregatedEvents"`
	Namespaces []struct {
		Name         string `json:"name"`
		SocketsCount int    `json:"socketsCount"`
	} `json:"namespaces"`
}

func (s statsJSON) sockets(nsp string) int {
	for _, n := range s.Namespaces {
		if n.Name == nsp {
			return n.SocketsCount
		}
	}
	return -1
}

func TestNewOptions(t *testing.T) {
	all := []string{"EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS"}
	for _, tc := range []struct {
		name     string
		opts     *admin.Options
		err      error // matched with errors.Is; nil: no error
		anyErr   bool
		features []string
	}{
		{"nil options", nil, admin.ErrNoAuth, false, nil},
		{"no auth chosen", &admin.Options{}, admin.ErrNoAuth, false, nil},
		{"bad hash", &admin.Options{Auth: &admin.BasicAuth{Username: "a", PasswordHash: "secret"}}, admin.ErrBadHash, false, nil},
		{"auth and no auth", &admin.Options{NoAuth: true, Auth: &admin.BasicAuth{Username: "a", PasswordHash: hash}}, nil, true, nil},
		{"unknown mode", &admin.Options{NoAuth: true, Mode: "staging"}, nil, true, nil},
		{"development", &admin.Options{NoAuth: true}, nil, false, all},
		{"basic auth", &admin.Options{Auth: &admin.BasicAuth{Username: "a", PasswordHash: hash}}, nil, false, all},
		{"production", &admin.Options{NoAuth: true, Mode: admin.Production}, nil, false, all[:8]},
		{"read-only", &admin.Options{NoAuth: true, ReadOnly: true}, nil, false, []string{"AGGREGATED_EVENTS", "ALL_EVENTS"}},
		{"read-only production", &admin.Options{NoAuth: true, ReadOnly: true, Mode: admin.Production}, nil, false, []string{"AGGREGATED_EVENTS"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := admin.New(tc.opts)
			switch {
			case tc.err != nil || tc.anyErr:
				if err == nil || (tc.err != nil && !errors.Is(err, tc.err)) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if got := a.Features(); !slices.Equal(got, tc.features) {
				t.Errorf("features = %v, want %v", got, tc.features)
			}
		})
	}
}

// TestAuth: with basic auth, the admin namespace refuses every CONNECT
// without the user name and password or a session id they got, with
// "invalid credentials"; a login gets a session id, which logs in again
// without the password (and gets no new one).
func TestAuth(t *testing.T) {
	refused := []struct {
		name string
		auth any
	}{
		{"no auth", nil},
		{"empty object", map[string]any{}},
		{"wrong password", map[string]any{"username": "admin", "password": "wrong"}},
		{"wrong user", map[string]any{"username": "root", "password": "secret"}},
		{"empty user", map[string]any{"username": "", "password": "secret"}},
		{"password not a string", map[string]any{"username": "admin", "password": 42}},
		{"password too long", map[string]any{"username": "admin", "password": "secret" + strings.Repeat("x", 100)}},
		{"user too long", map[string]any{"username": strings.Repeat("u", 300), "password": "secret"}},
		{"unknown session", map[string]any{"sessionId": "0123456789abcdef"}},
		{"session too long", map[string]any{"sessionId": strings.Repeat("a", 100000)}},
		{"session not a string", map[string]any{"sessionId": []int{1}}},
	}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				_, srv, kit := setup(t, tr.list, &admin.Options{Auth: &admin.BasicAuth{Username: "admin", PasswordHash: hash}})
				for _, tc := range refused {
					_, err := kit.Dial(t.Context(), "/admin", tc.auth, nil)
					var ce *client.ConnectError
					if !errors.As(err, &ce) || ce.Message != "invalid credentials" {
						t.Errorf("%s: err = %v, want a CONNECT_ERROR \"invalid credentials\"", tc.name, err)
					}
				}
				if n, _ := srv.Lookup("/admin"); len(n.Sockets()) != 0 {
					t.Fatalf("%d admin sockets after refusals", len(n.Sockets()))
				}

				ui := kit.Connect(t, "/admin", map[string]any{"username": "admin", "password": "secret"})
				sid := decode[string](t, ui.Expect(t, "session"), 0)
				if len(sid) != 32 {
					t.Errorf("session id %q, want 32 hex digits", sid)
				}
				ui.Expect(t, "config")
				ui.Close()

				again := kit.Connect(t, "/admin", map[string]any{"sessionId": sid})
				again.Expect(t, "config")
				for _, ev := range again.Events() {
					if ev.Name == "session" {
						t.Errorf("a session id login got a new session")
					}
				}
			})
		})
	}
}

// TestDevelopment follows the UI's protocol in development mode: config,
// all_sockets, the socket and room events, server_stats, and the
// commands acting on the chat's sockets.
func TestDevelopment(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				_, srv, kit := setup(t, tr.list, &admin.Options{NoAuth: true, ServerID: "node-1"})
				alice := kit.Connect(t, "/", nil)
				ui := kit.Connect(t, "/admin", nil)

				features := decode[map[string][]string](t, ui.Expect(t, "config"), 0)["supportedFeatures"]
				if !slices.Contains(features, "DISCONNECT") || !slices.Contains(features, "ALL_EVENTS") {
					t.Errorf("features %v", features)
				}
				var aliceJSON socketJSON
				for _, s := range decode[[]socketJSON](t, ui.Expect(t, "all_sockets"), 0) {
					if s.Nsp == "/" {
						aliceJSON = s
					}
				}
				if aliceJSON.ID != alice.ID() || !slices.Contains(aliceJSON.Rooms, "lobby") || !slices.Contains(aliceJSON.Rooms, alice.ID()) {
					t.Fatalf("all_sockets has %+v, want alice (%s) in lobby", aliceJSON, alice.ID())
				}
				if aliceJSON.Data["nick"] != "alice" || len(aliceJSON.ClientID) != 12 || aliceJSON.Handshake["headers"] == nil {
					t.Errorf("alice's details: %+v", aliceJSON)
				}
				if _, ok := aliceJSON.Handshake["auth"]; ok {
					t.Errorf("the handshake sent to the UI has the auth payload")
				}

				// server_stats at once, then every 2 s.
				ui.Expect(t, "server_stats")
				time.Sleep(admin.StatsInterval)
				st := decode[statsJSON](t, ui.Expect(t, "server_stats"), 0)
				if st.ServerID != "node-1" || st.PID == 0 || st.ClientsCount != 2 || st.sockets("/") != 1 || st.sockets("/admin") != 1 {
					t.Errorf("stats %+v", st)
				}
				if want := map[string]int{"polling": 2}[tr.name]; st.PollingClientsCount != want {
					t.Errorf("pollingClientsCount %d, want %d", st.PollingClientsCount, want)
				}

				bob := kit.Connect(t, "/", nil)
				bobJSON := decode[socketJSON](t, ui.Expect(t, "socket_connected"), 0)
				if bobJSON.ID != bob.ID() {
					// The UI's own socket_connected may come first.
					if bobJSON = decode[socketJSON](t, ui.Expect(t, "socket_connected"), 0); bobJSON.ID != bob.ID() {
						t.Errorf("socket_connected %s, want bob %s", bobJSON.ID, bob.ID())
					}
				}
				// The UI learns bob's transport: in socket_connected, or
				// from socket_updated when his upgrade came after.
				want := map[string]string{"polling": "polling"}[tr.name]
				if want == "" {
					want = "websocket"
				}
				for bobJSON.Transport != want {
					ev := ui.Expect(t, "socket_updated")
					if u := decode[map[string]string](t, ev, 0); u["id"] == bob.ID() && u["nsp"] == "/" {
						bobJSON.Transport = u["transport"]
					}
				}

				// join, emit to the room, leave, disconnect.
				if err := ui.Emit("join", "/", "vip", bob.ID()); err != nil {
					t.Fatal(err)
				}
				for {
					ev := ui.Expect(t, "room_joined")
					if decode[string](t, ev, 1) == "vip" {
						if decode[string](t, ev, 0) != "/" || decode[string](t, ev, 2) != bob.ID() {
							t.Errorf("room_joined %s", ev.Args.Raw(0))
						}
						break
					}
				}
				if err := ui.Emit("emit", "/", "vip", "news", "hello", 42); err != nil {
					t.Fatal(err)
				}
				ev := bob.Expect(t, "news")
				if decode[string](t, ev, 0) != "hello" || decode[int](t, ev, 1) != 42 {
					t.Errorf("news %s %s", ev.Args.Raw(0), ev.Args.Raw(1))
				}
				if err := ui.Emit("leave", "/", "vip", nil); err != nil {
					t.Fatal(err)
				}
				for decode[string](t, ui.Expect(t, "room_left"), 1) != "vip" {
				}
				if s, _ := srv.Lookup("/"); s == nil {
					t.Fatal("no /")
				}
				bobID := bob.ID()
				if err := ui.Emit("_disconnect", "/", false, bobID); err != nil {
					t.Fatal(err)
				}
				if r := bob.ExpectDisconnect(t); r != "io server disconnect" {
					t.Errorf("bob's disconnect reason %q", r)
				}
				for {
					ev := ui.Expect(t, "socket_disconnected")
					if decode[string](t, ev, 1) == bobID {
						if decode[string](t, ev, 2) != "server namespace disconnect" {
							t.Errorf("reason %s", ev.Args.Raw(2))
						}
						break
					}
				}
				if !alice.Connected() {
					t.Error("alice was disconnected too")
				}

				// ALL_EVENTS: what alice sends and is sent.
				if err := alice.Emit("typing", map[string]bool{"on": true}); err != nil {
					t.Fatal(err)
				}
				ev = ui.Expect(t, "event_received")
				if got := decode[[]json.RawMessage](t, ev, 2); len(got) != 2 || string(got[0]) != `"typing"` || string(got[1]) != `{"on":true}` {
					t.Errorf("event_received %s", ev.Args.Raw(2))
				}
				if err := ui.Emit("emit", "/", nil, "notice", "all"); err != nil {
					t.Fatal(err)
				}
				alice.Expect(t, "notice")
				for {
					ev = ui.Expect(t, "event_sent")
					if decode[string](t, ev, 1) != alice.ID() {
						continue // bob's news
					}
					if got := decode[[]string](t, ev, 2); !slices.Equal(got, []string{"notice", "all"}) {
						t.Errorf("event_sent %s", ev.Args.Raw(2))
					}
					break
				}
			})
		})
	}
}

// TestStatsTimer: server_stats comes exactly every 2 s, with the
// aggregated counts of each second since a UI connected.
func TestStatsTimer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, _, kit := setup(t, []string{client.WebSocket}, &admin.Options{NoAuth: true, Mode: admin.Production})
		ui := kit.Connect(t, "/admin", nil)
		// Counted while a UI is connected: this client's connection.
		kit.Connect(t, "/", nil)
		synctest.Wait()
		start := time.Now()
		var got []time.Duration
		var in, conns int64
		for range 3 {
			st := decode[statsJSON](t, ui.Expect(t, "server_stats"), 0)
			got = append(got, time.Since(start).Round(time.Millisecond))
			for _, e := range st.AggregatedEvents {
				switch e.Type {
				case "bytesIn":
					in += e.Count
				case "rawConnection":
					conns += e.Count
				}
				if e.Timestamp%1000 != 0 {
					t.Errorf("timestamp %d not at a second", e.Timestamp)
				}
			}
		}
		if got[2]-got[1] != admin.StatsInterval || got[1]-got[0] != admin.StatsInterval {
			t.Errorf("stats at %v, want every %v", got, admin.StatsInterval)
		}
		if in == 0 || conns != 1 {
			t.Errorf("aggregated: bytesIn %d, rawConnection %d; want > 0 and 1", in, conns)
		}
	})
}

// TestProduction: no socket details nor socket events, the stats only.
func TestProduction(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				_, _, kit := setup(t, tr.list, &admin.Options{NoAuth: true, Mode: admin.Production})
				ui := kit.Connect(t, "/admin", nil)
				ui.Expect(t, "config")
				kit.Connect(t, "/", nil)
				ui.Expect(t, "server_stats") // the one of the UI's connection
				time.Sleep(admin.StatsInterval)
				st := decode[statsJSON](t, ui.Expect(t, "server_stats"), 0)
				if want := map[string]int{"polling": 2}[tr.name]; st.sockets("/") != 1 || st.PollingClientsCount != want {
					t.Errorf("stats %+v, want 1 socket in /, %d on polling", st, want)
				}
				for _, ev := range ui.Events() {
					switch ev.Name {
					case "config", "server_stats":
					default:
						t.Errorf("production mode sent %s", ev.Name)
					}
				}
			})
		})
	}
}

// TestReadOnly: the commands do nothing.
func TestReadOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, _, kit := setup(t, []string{client.WebSocket}, &admin.Options{NoAuth: true, ReadOnly: true})
		alice := kit.Connect(t, "/", nil)
		ui := kit.Connect(t, "/admin", nil)
		ui.Expect(t, "all_sockets")
		_ = ui.Emit("emit", "/", nil, "news", 1)
		_ = ui.Emit("join", "/", "vip", nil)
		_ = ui.Emit("_disconnect", "/", true, nil)
		time.Sleep(time.Second)
		synctest.Wait()
		for _, ev := range alice.Events() {
			t.Errorf("alice got %s", ev.Name)
		}
		if !alice.Connected() {
			t.Error("alice disconnected")
		}
		for _, ev := range ui.Events() {
			if ev.Name == "room_joined" && decode[string](t, ev, 1) == "vip" {
				t.Error("a room was joined")
			}
		}
	})
}

// TestCommandBounds: malformed or out-of-bound commands do nothing: no
// namespace made, no event sent, no socket moved or disconnected, and the
// UI stays connected.
func TestCommandBounds(t *testing.T) {
	long := strings.Repeat("r", admin.DefaultMaxNameLength+1)
	many := []any{"/", nil, "news"}
	for range admin.DefaultMaxEmitArgs + 1 {
		many = append(many, 1)
	}
	for _, tc := range []struct {
		name    string
		command string
		args    []any
	}{
		{"emit unknown namespace", "emit", []any{"/nope", nil, "news"}},
		{"emit namespace not a string", "emit", []any{42, nil, "news"}},
		{"emit long namespace", "emit", []any{"/" + long, nil, "news"}},
		{"emit long filter", "emit", []any{"/", long, "news"}},
		{"emit filter not a string", "emit", []any{"/", true, "news"}},
		{"emit no event", "emit", []any{"/", nil}},
		{"emit empty event", "emit", []any{"/", nil, ""}},
		{"emit long event", "emit", []any{"/", nil, long}},
		{"emit reserved event", "emit", []any{"/", nil, "disconnect"}},
		{"emit too many arguments", "emit", many},
		{"emit binary", "emit", []any{"/", nil, "news", []byte{1, 2}}},
		{"join long room", "join", []any{"/", long, nil}},
		{"join empty room", "join", []any{"/", "", nil}},
		{"join room not a string", "join", []any{"/", map[string]int{"a": 1}, nil}},
		{"join unknown namespace", "join", []any{"/nope", "vip", nil}},
		{"leave no arguments", "leave", nil},
		{"disconnect close not a bool", "_disconnect", []any{"/", "yes", nil}},
		{"disconnect unknown namespace", "_disconnect", []any{"/nope", false, nil}},
		{"disconnect long filter", "_disconnect", []any{"/", false, long}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				_, srv, kit := setup(t, []string{client.WebSocket}, &admin.Options{NoAuth: true})
				alice := kit.Connect(t, "/", nil)
				ui := kit.Connect(t, "/admin", nil)
				ui.Expect(t, "all_sockets")
				if err := ui.Emit(tc.command, tc.args...); err != nil {
					t.Fatal(err)
				}
				time.Sleep(time.Second)
				synctest.Wait()
				for _, ev := range alice.Events() {
					t.Errorf("alice got %s", ev.Name)
				}
				for _, ev := range ui.Events() {
					switch ev.Name {
					case "room_joined", "room_left":
						if decode[string](t, ev, 0) == "/" && decode[string](t, ev, 1) != alice.ID() {
							t.Errorf("the UI got %s %s", ev.Name, ev.Args.Raw(1))
						}
					case "socket_disconnected":
						t.Errorf("the UI got %s", ev.Name)
					}
				}
				if !alice.Connected() || !ui.Connected() {
					t.Error("a client was disconnected")
				}
				if _, ok := srv.Lookup("/nope"); ok {
					t.Error("a command made a namespace")
				}
			})
		})
	}
}

// TestPanickingData: a socket's data whose MarshalJSON panics is sent as
// {} and the panic's text goes nowhere.
func TestPanickingData(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, srv, kit := setup(t, []string{client.WebSocket}, &admin.Options{NoAuth: true})
		srv.Of("/p").OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
			s.SetData(panicky{})
			return nil
		})
		ui := kit.Connect(t, "/admin", nil)
		ui.Expect(t, "all_sockets")
		kit.Connect(t, "/p", nil)
		for {
			ev := ui.Expect(t, "socket_connected")
			s := decode[socketJSON](t, ev, 0)
			if s.Nsp == "/p" {
				if len(s.Data) != 0 || strings.Contains(string(ev.Args.Raw(0)), "secret text") {
					t.Errorf("data %s", ev.Args.Raw(0))
				}
				break
			}
		}
	})
}

type panicky struct{}

func (panicky) MarshalJSON() ([]byte, error) { panic("secret text") }

// TestSocketBeforeAttach: a socket that joined the admin namespace before
// Attach registered the authentication (a server already serving) gets
// none of the UI's events, and its commands are not run.
func TestSocketBeforeAttach(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, err := admin.New(&admin.Options{Auth: &admin.BasicAuth{Username: "admin", PasswordHash: hash}, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		srv := socketio.NewServer(a.Instrument(&socketio.Options{Logger: quiet}))
		t.Cleanup(func() {
			_ = a.Close()
			_ = srv.Shutdown(context.Background())
		})
		srv.Of("/admin")
		kit := siotest.New(t, srv, &siotest.Options{Client: &client.Options{Transports: []string{client.WebSocket}}})
		intruder := kit.Connect(t, "/admin", nil)
		alice := kit.Connect(t, "/", nil)
		if err := a.Attach(srv); err != nil {
			t.Fatal(err)
		}
		ui := kit.Connect(t, "/admin", map[string]any{"username": "admin", "password": "secret"})
		ui.Expect(t, "all_sockets")
		for _, cmd := range [][]any{{"_disconnect", "/", true, nil}, {"join", "/admin", "admin-ui", intruder.ID()}, {"emit", "/", nil, "news"}} {
			if err := intruder.Emit(cmd[0].(string), cmd[1:]...); err != nil {
				t.Fatal(err)
			}
		}
		// The logged-in UI may not put the intruder in the UIs' room either.
		_ = ui.Emit("join", "/admin", "admin-ui", intruder.ID())
		time.Sleep(2 * admin.StatsInterval)
		synctest.Wait()
		if n := len(intruder.Events()); n != 0 {
			t.Errorf("the intruder got %d events, first %s", n, intruder.Events()[0].Name)
		}
		if !alice.Connected() || len(alice.Events()) != 0 {
			t.Errorf("the intruder's commands ran: alice connected %v, events %d", alice.Connected(), len(alice.Events()))
		}
		if n := len(ui.Events()); n < 3 {
			t.Errorf("the UI got %d events", n)
		}
	})
}

// TestLifecycle: Attach once, Close any number of times; Close without
// Attach; Attach after Close refused.
func TestLifecycle(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps string // a: Attach, c: Close
		want  []error
	}{
		{"attach close", "ac", []error{nil, nil}},
		{"attach twice", "aac", []error{nil, admin.ErrAttached, nil}},
		{"close twice", "acc", []error{nil, nil, nil}},
		{"close only", "c", []error{nil}},
		{"attach after close", "ca", []error{nil, admin.ErrAttached}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := admin.New(&admin.Options{NoAuth: true, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			srv := socketio.NewServer(a.Instrument(nil))
			defer func() { _ = srv.Shutdown(context.Background()) }()
			defer func() { _ = a.Close() }()
			for i, step := range tc.steps {
				if step == 'a' {
					err = a.Attach(srv)
				} else {
					err = a.Close()
				}
				if !errors.Is(err, tc.want[i]) {
					t.Errorf("step %d (%c): %v, want %v", i, step, err, tc.want[i])
				}
			}
		})
	}
}

// TestDataChanged: DataChanged sends the socket's new data to the UIs.
func TestDataChanged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, srv, kit := setup(t, []string{client.WebSocket}, &admin.Options{NoAuth: true})
		alice := kit.Connect(t, "/", nil)
		ui := kit.Connect(t, "/admin", nil)
		ui.Expect(t, "all_sockets")
		n, _ := srv.Lookup("/")
		s, ok := n.Socket(alice.ID())
		if !ok {
			t.Fatal("no alice")
		}
		s.SetData(map[string]string{"nick": "alice2"})
		a.DataChanged(s)
		for {
			u := decode[map[string]any](t, ui.Expect(t, "socket_updated"), 0)
			if u["id"] != alice.ID() {
				continue // an upgrade's
			}
			if d, _ := u["data"].(map[string]any); d["nick"] != "alice2" || u["nsp"] != "/" {
				t.Errorf("socket_updated %v", u)
			}
			break
		}
	})
}
