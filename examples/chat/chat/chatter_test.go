package chat_test

import (
	"context"
	"net/http/httptest"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/examples/chat/chat"
)

// transports are the ways a chatter connects: long-polling, WebSocket,
// and long-polling upgraded to WebSocket.
var transports = []struct {
	name string
	opts client.Options
}{
	{"polling", client.Options{Transports: []string{client.Polling}}},
	{"websocket", client.Options{Transports: []string{client.WebSocket}}},
	{"upgrade", client.Options{}},
}

// chatter is one user of the chat, connected with sio's Go client
// (package client) to the main namespace. It keeps every event the server
// sends it, in order, for expect.
type chatter struct {
	t      *testing.T
	m      *client.Manager
	s      *client.Socket
	events chan *client.Event
	// lost counts events dropped because events was full (the test then
	// fails: it received more than it reads).
	lost atomic.Int64
}

// dialChatter connects to the chat served by hs as user ("" sends no auth
// payload), with opts (nil: polling upgraded to WebSocket, the client's
// default), and closes the connection when the test ends. The connection
// must be accepted.
func dialChatter(t *testing.T, hs *httptest.Server, user string, opts *client.Options) *chatter {
	t.Helper()
	c, err := tryChatter(t, hs, user, opts)
	if err != nil {
		t.Fatalf("connect as %q: %v", user, err)
	}
	return c
}

// tryChatter is dialChatter returning the connection's error, a
// *client.ConnectError when the chat refused it.
func tryChatter(t *testing.T, hs *httptest.Server, user string, opts *client.Options) (*chatter, error) {
	t.Helper()
	var o client.Options
	if opts != nil {
		o = *opts
	}
	o.DisableReconnection = true
	ctx, cancel := context.WithTimeout(context.Background(), step)
	defer cancel()
	m, err := client.Dial(ctx, hs.URL, &o)
	if err != nil {
		t.Fatalf("dial %s: %v", hs.URL, err)
	}
	c := &chatter{t: t, m: m, events: make(chan *client.Event, 256)}
	t.Cleanup(c.close)
	var so *client.SocketOptions
	if user != "" {
		so = &client.SocketOptions{Auth: chat.Auth{Username: user}}
	}
	c.s = m.Socket("/", so)
	// Handlers run one at a time in packet order: the channel keeps it.
	c.s.OnAny(func(e *client.Event) {
		select {
		case c.events <- e:
		default:
			c.lost.Add(1)
		}
	})
	return c, c.s.Connect(ctx)
}

// close disconnects (the server sees the socket leave) and waits for the
// client's goroutines to end. It may be called more than once.
func (c *chatter) close() {
	_ = c.m.Close()
	<-c.m.Done()
	if n := c.lost.Load(); n > 0 {
		c.t.Errorf("%d events dropped: the test does not read what it receives", n)
	}
}

// call emits event with args, waits for the acknowledgement and returns
// it.
func (c *chatter) call(event string, args ...any) chat.Result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), step)
	defer cancel()
	reply, err := c.s.EmitWithAck(ctx, event, args...)
	if err != nil {
		c.t.Fatalf("%s %v: %v", event, args, err)
	}
	var r chat.Result
	if err := reply.Decode(0, &r); err != nil || reply.Len() != 1 {
		c.t.Fatalf("%s %v: acknowledgement with %d arguments: %v", event, args, reply.Len(), err)
	}
	return r
}

// emit sends event with args, asking for no acknowledgement.
func (c *chatter) emit(event string, args ...any) {
	c.t.Helper()
	if err := c.s.Emit(event, args...); err != nil {
		c.t.Fatalf("%s %v: %v", event, args, err)
	}
}

// next returns the next event the server sent.
func (c *chatter) next() *client.Event {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), step)
	defer cancel()
	select {
	case e := <-c.events:
		return e
	case <-ctx.Done():
		c.t.Fatalf("no event within %v", step)
		return nil
	}
}

// expect checks that the next event the server sent is event with
// arguments want, each decoded into the type of its wanted value.
func (c *chatter) expect(event string, want ...any) {
	c.t.Helper()
	e := c.next()
	if got := decodeLike(c.t, e, want); e.Name != event || !reflect.DeepEqual(got, want) {
		c.t.Fatalf("received %s %#v, want %s %#v", e.Name, got, event, want)
	}
}

// decodeLike decodes e's arguments into values of the types of like's
// (one more argument than like has is decoded as any).
func decodeLike(t *testing.T, e *client.Event, like []any) []any {
	t.Helper()
	got := make([]any, e.Args.Len())
	for i := range got {
		var p reflect.Value
		if i < len(like) && like[i] != nil {
			p = reflect.New(reflect.TypeOf(like[i]))
		} else {
			p = reflect.New(reflect.TypeFor[any]())
		}
		if err := e.Args.Decode(i, p.Interface()); err != nil {
			t.Fatalf("%s: argument %d: %v", e.Name, i, err)
		}
		got[i] = p.Elem().Interface()
	}
	return got
}
