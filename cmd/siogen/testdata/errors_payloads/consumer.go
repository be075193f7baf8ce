package payloads

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siogo/sio/socketio"
)

// Types that are not payloads: each would be "decoded" as nothing.
//
//sio:consumer namespace=/payloads
type Payloads struct{}

func (p *Payloads) EventSocket(ctx context.Context, s *socketio.Socket, other *socketio.Socket) error {
	return nil
}

func (p *Payloads) EventArgs(ctx context.Context, s *socketio.Socket, args *socketio.Args) error {
	return nil
}

func (p *Payloads) EventServer(ctx context.Context, s *socketio.Socket, srv *socketio.Server) error {
	return nil
}

func (p *Payloads) EventNamespace(ctx context.Context, s *socketio.Socket, n *socketio.Namespace) error {
	return nil
}

func (p *Payloads) EventContext(ctx context.Context, s *socketio.Socket, x int, c context.Context) error {
	return nil
}

// An AckFunc, or an acknowledgement of any type, that is not last.
func (p *Payloads) EventAckFuncFirst(ctx context.Context, s *socketio.Socket, ack socketio.AckFunc, x int) error {
	return nil
}

func (p *Payloads) EventAckFirst(ctx context.Context, s *socketio.Socket, ack func(string) error, x int) error {
	return nil
}

// An acknowledgement cannot be variadic, and Connect has none.
func (p *Payloads) EventAckVariadic(ctx context.Context, s *socketio.Socket, acks ...func() error) error {
	return nil
}

type hidden struct{ x int }

func (p *Payloads) EventHidden(ctx context.Context, s *socketio.Socket, h hidden) error { return nil }

func (p *Payloads) EventHiddenPtr(ctx context.Context, s *socketio.Socket, h *hidden) error {
	return nil
}

func (p *Payloads) EventHiddenVariadic(ctx context.Context, s *socketio.Socket, h ...hidden) error {
	return nil
}

func (p *Payloads) EventMutex(ctx context.Context, s *socketio.Socket, m sync.Mutex) error {
	return nil
}

func (p *Payloads) EventLocation(ctx context.Context, s *socketio.Socket, l *time.Location) error {
	return nil
}

func (p *Payloads) EventEmpty(ctx context.Context, s *socketio.Socket, e struct{}) error { return nil }

// Tagged json:"-" fields do not count.
type skipped struct {
	A int `json:"-"`
}

func (p *Payloads) EventSkipped(ctx context.Context, s *socketio.Socket, v skipped) error {
	return nil
}

// Nested: a field of a payload whose type has no exported fields.
type Counter struct {
	Name  string
	Count atomic.Int64
}

func (p *Payloads) EventNestedCounter(ctx context.Context, s *socketio.Socket, c Counter) error {
	return nil
}

type WithSocket struct {
	Text   string
	Socket *socketio.Socket
}

func (p *Payloads) EventNestedSocket(ctx context.Context, s *socketio.Socket, v []WithSocket) error {
	return nil
}

type Zones struct {
	Zones map[string]*time.Location
}

func (p *Payloads) EventNestedMap(ctx context.Context, s *socketio.Socket, z Zones) error {
	return nil
}

func (p *Payloads) Connect(ctx context.Context, s *socketio.Socket, auth hidden) error { return nil }

// Payloads: none of these is reported.
type Fine struct {
	mu         sync.Mutex // unexported: encoding/json skips it
	sync.Mutex            // embedded, promotes no field
	Lock       sync.Mutex `json:"-"`
	At         time.Time  // UnmarshalJSON
	Set        map[string]struct{}
	Done       struct{}
	Raw        json.RawMessage
	inner      // embedded: its exported fields are promoted
}

type inner struct{ Text string }

type embedsOnly struct{ inner }

func (p *Payloads) EventFine(ctx context.Context, s *socketio.Socket, f Fine, e embedsOnly, t time.Time, any any, set map[string]struct{}) error {
	return nil
}
