package socketio

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siogo/sio/engineio"
)

// answeringConn is a fakeConn whose client answers the CONNECT reply with
// an event the moment the reply is written, as socket.io-client does when
// it emits in its "connect" listener: the event reaches the server's
// reading side while accept is still between writing the reply and marking
// the socket connected.
type answeringConn struct {
	*fakeConn
	answer string        // the event sent on the CONNECT reply
	read   chan struct{} // closed once the reading side has delivered the CONNECT
	done   chan struct{} // closed once the reading side has delivered the event
	once   sync.Once
}

func (a *answeringConn) Send(msgs ...engineio.Message) error {
	err := a.fakeConn.Send(msgs...)
	if len(msgs) == 0 || !strings.HasPrefix(string(msgs[0].Data), "0") {
		return err
	}
	a.once.Do(func() {
		a.fakeConn.mu.Lock()
		c := a.fakeConn.c
		a.fakeConn.mu.Unlock()
		go func() {
			defer close(a.done)
			<-a.read // one reading goroutine, as the engine has
			c.onMessage(engineio.Message{Data: []byte(a.answer)})
		}()
		// Give the reading side time to handle the event before accept
		// goes on. This cannot use synctest: with the fix the reader waits
		// on the socket's mutex, which is not a durable block. The wait
		// only makes the race of the bug likely; a slow reader makes the
		// test pass, never fail.
		select {
		case <-a.done:
		case <-time.After(100 * time.Millisecond):
		}
	})
	return err
}

// TestEventRightAfterConnectReply checks that an event sent the moment the
// CONNECT reply arrives is handled, not taken for an event sent before
// CONNECT (which closes the connection, as in Node).
func TestEventRightAfterConnectReply(t *testing.T) {
	tests := []struct {
		name, nsp, connect, event string
		opts                      *Options
	}{
		{"main namespace", "/", "0", `2["hi",1]`, nil},
		{"static namespace", "/chat", "0/chat,", `2/chat,["hi",1]`, nil},
		{"with auth", "/chat", `0/chat,{"token":"x"}`, `2/chat,["hi",1]`, nil},
		{"recovery on", "/", "0", `2["hi",1]`, &Options{ConnectionStateRecovery: &RecoveryOptions{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, tt.opts)
			got := make(chan struct{}, 1)
			s.Of(tt.nsp).On("hi", func(context.Context, *Socket, *Args, AckFunc) error {
				got <- struct{}{}
				return nil
			})
			f := &fakeConn{id: "answering"}
			conn := &answeringConn{fakeConn: f, answer: tt.event, read: make(chan struct{}), done: make(chan struct{})}
			c := s.attach(conn)
			f.mu.Lock()
			f.c = c
			f.mu.Unlock()
			c.onMessage(engineio.Message{Data: []byte(tt.connect)})
			close(conn.read)
			select {
			case <-conn.done:
			case <-time.After(10 * time.Second):
				t.Fatal("the event was not delivered")
			}
			if f.isClosed() {
				t.Fatalf("connection closed; sent %q", f.take())
			}
			select {
			case <-got:
			case <-time.After(10 * time.Second):
				t.Fatalf("the event was not handled; sent %q", f.take())
			}
		})
	}
}
