package socketio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// restoreAdapter is a MemoryAdapter whose RestoreSession can block, fail
// or wait for its ctx, and whose Start (it is an AdapterStarter) can block:
// it records what each RestoreSession saw.
type restoreAdapter struct {
	*MemoryAdapter
	startGate chan struct{} // Start waits for it when set

	mu      sync.Mutex    // guards the fields below
	started bool          // Start returned
	gate    chan struct{} // RestoreSession waits for it (or its ctx) when set
	ignore  bool          // RestoreSession waits for gate only, not its ctx
	fail    error         // RestoreSession's error
	calls   []restoreCall
}

// errPanic makes restoreAdapter.RestoreSession panic.
var errPanic = errors.New("panic")

// restoreCall is what one RestoreSession saw.
type restoreCall struct {
	started bool  // after the adapter's Start
	ctxErr  error // its ctx's cause when it returned
}

func (a *restoreAdapter) Start(ctx context.Context) error {
	if a.startGate != nil {
		select {
		case <-a.startGate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	a.mu.Lock()
	a.started = true
	a.mu.Unlock()
	return nil
}

func (a *restoreAdapter) RestoreSession(ctx context.Context, pid, offset string) (*SessionState, error) {
	a.mu.Lock()
	started, gate, ignore, fail := a.started, a.gate, a.ignore, a.fail
	a.mu.Unlock()
	// Calls back into the namespace: no lock of the server is held.
	_ = a.Namespace().AppendSockets(nil, []string{pid})
	var ctxErr error
	if gate != nil {
		if ignore {
			<-gate
		} else {
			select {
			case <-gate:
			case <-ctx.Done():
			}
		}
	}
	if ctx.Err() != nil {
		ctxErr = context.Cause(ctx)
	}
	a.mu.Lock()
	a.calls = append(a.calls, restoreCall{started: started, ctxErr: ctxErr})
	a.mu.Unlock()
	if fail != nil {
		if fail == errPanic {
			panic("restore exploded")
		}
		return nil, fail
	}
	if ctxErr != nil && !ignore {
		return nil, ctxErr
	}
	return a.MemoryAdapter.RestoreSession(ctx, pid, offset)
}

func (a *restoreAdapter) snapshot() []restoreCall {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.calls)
}

// cutSession connects tc to "/", receives one event (its offset) and cuts
// the transport: the session can be recovered with the returned auth.
func cutSession(t *testing.T, s *Server, tc *testClient) (sid, auth string) {
	t.Helper()
	tc.send("0")
	reply := tc.settle()
	var r struct{ SID, PID string }
	if len(reply) != 1 || json.Unmarshal([]byte(reply[0][1:]), &r) != nil || r.PID == "" {
		t.Fatalf("CONNECT reply %q", reply)
	}
	if err := s.Emit("e"); err != nil {
		t.Fatal(err)
	}
	got := tc.settle()
	m := eventWithOffset.FindStringSubmatch(strings.Join(got, ""))
	if m == nil {
		t.Fatalf("event %q carries no offset", got)
	}
	tc.conn.closeWith("transport close")
	synctest.Wait()
	return r.SID, fmt.Sprintf(`{"pid":%q,"offset":%q}`, r.PID, m[2])
}

// TestRestoreSessionInConnectStep checks that the adapter's RestoreSession
// runs in the connect step: after the adapter's start, off the
// connection's reading goroutine (a blocked restore holds neither that
// connection's other namespaces nor other clients), with a ctx that ends
// at the connect timeout (the client then gets "Connection timeout") and
// at Shutdown, and that a failed restore gives a fresh session, as Node.
func TestRestoreSessionInConnectStep(t *testing.T) {
	const timeout = 10 * time.Second
	errDown := errors.New("redis down")
	tests := []struct {
		name string
		run  func(t *testing.T, s *Server, a *restoreAdapter, sid, auth string)
	}{
		{
			name: "restored after the adapter's start",
			run: func(t *testing.T, s *Server, a *restoreAdapter, sid, auth string) {
				tc := dial(t, s)
				tc.send("0" + auth)
				close(a.startGate)
				got := tc.settle()
				if len(got) == 0 || !strings.Contains(got[0], sid) {
					t.Fatalf("got %q, want the session %s recovered", got, sid)
				}
				if calls := a.snapshot(); len(calls) != 1 || !calls[0].started {
					t.Fatalf("RestoreSession calls %+v, want one after Start", calls)
				}
			},
		},
		{
			name: "a blocked restore holds only its own CONNECT, until the connect timeout",
			run: func(t *testing.T, s *Server, a *restoreAdapter, sid, auth string) {
				close(a.startGate)
				a.mu.Lock()
				a.gate = make(chan struct{}) // never closed
				a.mu.Unlock()
				tc := dial(t, s)
				// send returns: the restore does not run on the reading
				// goroutine, which answers the other namespace.
				tc.send("0" + auth)
				tc.connect("/other")
				other := dial(t, s)
				other.connect("/")
				if err := s.To(other.c.snapshot()[0].ID()).Emit("hi"); err != nil {
					t.Fatal(err)
				}
				if got := other.settle(); len(got) != 1 || !strings.HasPrefix(got[0], `2["hi",`) {
					t.Fatalf("other client got %q", got)
				}
				time.Sleep(timeout - time.Millisecond)
				if got := tc.settle(); len(got) != 0 {
					t.Fatalf("answered before the timeout: %q", got)
				}
				time.Sleep(2 * time.Millisecond)
				if got := tc.settle(); !slices.Equal(got, []string{`4{"message":"Connection timeout"}`}) {
					t.Fatalf("got %q, want Connection timeout", got)
				}
				if calls := a.snapshot(); len(calls) != 1 || !errors.Is(calls[0].ctxErr, ErrConnectTimeout) {
					t.Fatalf("RestoreSession calls %+v, want one ended by ErrConnectTimeout", calls)
				}
			},
		},
		{
			name: "a session restored after the connect timeout is kept for the next attempt",
			run: func(t *testing.T, s *Server, a *restoreAdapter, sid, auth string) {
				close(a.startGate)
				gate := make(chan struct{})
				a.mu.Lock()
				a.gate, a.ignore = gate, true
				a.mu.Unlock()
				tc := dial(t, s)
				tc.send("0" + auth)
				time.Sleep(timeout + time.Millisecond)
				if got := tc.settle(); !slices.Equal(got, []string{`4{"message":"Connection timeout"}`}) {
					t.Fatalf("got %q, want Connection timeout", got)
				}
				close(gate)
				synctest.Wait()
				a.mu.Lock()
				a.gate, a.ignore = nil, false
				a.mu.Unlock()
				tc2 := dial(t, s)
				tc2.send("0" + auth)
				if got := tc2.settle(); len(got) == 0 || !strings.Contains(got[0], sid) {
					t.Fatalf("next attempt got %q, want the session %s recovered", got, sid)
				}
			},
		},
		{
			name: "a failed restore gives a new session",
			run: func(t *testing.T, s *Server, a *restoreAdapter, sid, auth string) {
				failedRestore(t, s, a, sid, auth, errDown)
			},
		},
		{
			name: "a panicking restore gives a new session",
			run: func(t *testing.T, s *Server, a *restoreAdapter, sid, auth string) {
				failedRestore(t, s, a, sid, auth, errPanic)
			},
		},
		{
			name: "Shutdown ends a blocked restore",
			run: func(t *testing.T, s *Server, a *restoreAdapter, sid, auth string) {
				close(a.startGate)
				a.mu.Lock()
				a.gate = make(chan struct{}) // never closed
				a.mu.Unlock()
				tc := dial(t, s)
				tc.send("0" + auth)
				synctest.Wait()
				if err := s.Shutdown(context.Background()); err != nil {
					t.Fatal(err)
				}
				if calls := a.snapshot(); len(calls) != 1 || calls[0].ctxErr == nil {
					t.Fatalf("RestoreSession calls %+v, want one ended by Shutdown", calls)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var (
					mu   sync.Mutex
					main *restoreAdapter
				)
				startGate := make(chan struct{})
				factory := func(n *Namespace) Adapter {
					a := &restoreAdapter{MemoryAdapter: NewMemoryAdapter(n)}
					if n.Name() == "/" {
						mu.Lock()
						main = a
						mu.Unlock()
					}
					return a
				}
				s := newTestServer(t, &Options{Adapter: factory, ConnectTimeout: timeout, ConnectionStateRecovery: &RecoveryOptions{}})
				s.Of("/other")
				synctest.Wait()
				mu.Lock()
				a := main
				mu.Unlock()
				sid, auth := cutSession(t, s, dial(t, s))
				// As if "/" had not started yet (a start failed, say):
				// the next CONNECT starts the adapter again, and waits
				// for startGate, which the case releases.
				a.mu.Lock()
				a.started = false
				a.mu.Unlock()
				a.startGate = startGate
				s.main().startMu.Lock()
				s.main().started = false
				s.main().startMu.Unlock()
				tt.run(t, s, a, sid, auth)
			})
		})
	}
}

// failedRestore connects with auth while RestoreSession fails with err
// (errPanic: panics): the socket gets a new session.
func failedRestore(t *testing.T, s *Server, a *restoreAdapter, sid, auth string, err error) {
	t.Helper()
	close(a.startGate)
	a.mu.Lock()
	a.fail = err
	a.mu.Unlock()
	tc := dial(t, s)
	tc.send("0" + auth)
	got := tc.settle()
	var r struct{ SID, PID string }
	if len(got) != 1 || json.Unmarshal([]byte(got[0][1:]), &r) != nil || r.SID == sid || r.SID == "" || r.PID == "" {
		t.Fatalf("got %q, want a new session (not %s)", got, sid)
	}
	so, ok := s.main().Socket(r.SID)
	if !ok || so.Recovered() {
		t.Fatalf("socket %s: found %v, recovered", r.SID, ok)
	}
}
