package tests_test

import (
	"context"
	"testing"

	"github.com/siogo/sio/cmd/siogen/testdata/tests"
	"github.com/siogo/sio/socketio"
)

// Echo is a consumer declared by the external test package, generated into
// sio_gen_x_test.go.
//
//sio:consumer namespace=/echo
type Echo struct{ room tests.Room }

// EventEcho handles "echo", acknowledged with its argument.
func (e *Echo) EventEcho(ctx context.Context, s *socketio.Socket, text string, ack func(string) error) error {
	return ack(text)
}

// TestEchoDispatch dispatches "echo" through the generated spec.
func TestEchoDispatch(t *testing.T) {
	var got string
	ack := func(args ...any) error {
		data, _, err := socketio.MarshalAck(args...)
		got = string(data)
		return err
	}
	err := _sio_Echo_spec.Dispatcher(&Echo{}).Dispatch(context.Background(), nil, "echo", socketio.NewArgs([]byte(`["hi"]`), nil), ack)
	if err != nil || got != `["hi"]` {
		t.Errorf("echo: err %v, ack %s", err, got)
	}
	srv := socketio.NewServer(nil)
	tests.RegisterRoom(srv, func() *tests.Room { return &tests.Room{} }) // from sio_gen.go
	RegisterEcho(srv, func() *Echo { return &Echo{} })
}
