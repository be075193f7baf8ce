package socketio_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/parser"
)

// busAdapter stands for a cluster adapter of another package: it reports
// what it sends to the other servers, and its failures, through the
// namespace it was given.
type busAdapter struct {
	*socketio.MemoryAdapter
	nsp  socketio.AdapterNamespace
	down bool // the message bus is unreachable
}

func (a *busAdapter) Broadcast(ctx context.Context, p *parser.Packet, opts *socketio.BroadcastOptions) error {
	if !opts.Flags.Local {
		if a.down {
			a.nsp.ObserveAdapterError(socketio.AdapterOpPublish, errors.New("bus unreachable"))
		} else {
			a.nsp.ObserveAdapterMessage(true, "BROADCAST") // published
		}
	}
	return a.MemoryAdapter.Broadcast(ctx, p, opts)
}

// ExampleNamespace_ObserveAdapterMessage shows a cluster adapter reporting
// its traffic to the server's Observer (socketio/metrics counts it as
// socketio_adapter_messages_total and socketio_adapter_errors_total).
func ExampleNamespace_ObserveAdapterMessage() {
	var adapter *busAdapter
	io := socketio.NewServer(&socketio.Options{
		Adapter: func(nsp *socketio.Namespace) socketio.Adapter {
			adapter = &busAdapter{MemoryAdapter: socketio.NewMemoryAdapter(nsp), nsp: nsp}
			return adapter
		},
		Observer: &socketio.Observer{
			AdapterMessage: func(nsp *socketio.Namespace, direction, kind string) {
				fmt.Println(nsp.Name(), direction, kind)
			},
			AdapterError: func(nsp *socketio.Namespace, op string, err error) {
				fmt.Println(nsp.Name(), "error", op+":", err)
			},
		},
	})
	defer io.Shutdown(context.Background())
	_ = io.Emit("news")
	adapter.down = true
	_ = io.Emit("news")
	// A kind outside Node's message types is reported as "other".
	io.Of("/").ObserveAdapterMessage(false, "MADE_UP")
	// Output:
	// / out BROADCAST
	// / error publish: bus unreachable
	// / in other
}
