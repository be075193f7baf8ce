package socketio_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/parser"
)

// countingAdapter is an adapter of another package: it keeps the rooms in
// a MemoryAdapter, and broadcasts by itself, with the namespace's
// AdapterNamespace methods and the sockets' exported methods only.
type countingAdapter struct {
	*socketio.MemoryAdapter
	nsp  socketio.AdapterNamespace
	sent int
}

func (a *countingAdapter) Broadcast(_ context.Context, p *parser.Packet, opts *socketio.BroadcastOptions) error {
	var except map[string]bool
	if len(opts.Except) > 0 {
		except = map[string]bool{}
		for _, id := range a.Sockets(opts.Except) {
			except[id] = true
		}
	}
	var ids []string
	for _, id := range a.Sockets(opts.Rooms) {
		if !except[id] {
			ids = append(ids, id)
		}
	}
	msgs := a.nsp.Encode(p) // once, for every receiver
	for _, s := range a.nsp.AppendSockets(nil, ids) {
		if s.Deliver(p, msgs, opts.Flags.Volatile) {
			a.sent++
		}
	}
	return nil
}

// An adapter written outside package socketio: what it needs of its
// namespace is the AdapterNamespace that the factory's *Namespace is.
func ExampleAdapterNamespace() {
	var adapter *countingAdapter
	io := socketio.NewServer(&socketio.Options{
		Adapter: func(n *socketio.Namespace) socketio.Adapter {
			adapter = &countingAdapter{MemoryAdapter: socketio.NewMemoryAdapter(n), nsp: n}
			return adapter
		},
	})
	hs := httptest.NewServer(io)
	defer hs.Close()
	defer io.Shutdown(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := client.Dial(ctx, hs.URL, &client.Options{Transports: []string{client.WebSocket}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	s := m.Socket("/", nil)
	got := make(chan string, 1)
	s.On("news", func(e *client.Event) {
		var v string
		_ = e.Args.Decode(0, &v)
		got <- v
	})
	if err := s.Connect(ctx); err != nil {
		fmt.Println(err)
		return
	}
	if err := io.Emit("news", "through the adapter"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(<-got)
	fmt.Println("sent:", adapter.sent)
	// Output:
	// through the adapter
	// sent: 1
}
