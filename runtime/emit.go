package runtime

import (
	"context"
	"errors"
	"fmt"

	"github.com/siogo/sio/socketio"
)

// Target is where a generated emitter sends an event that is not
// acknowledged: a *socketio.Socket (its client), a *socketio.BroadcastOperator
// (rooms, exceptions, volatile, local: s.To(room), srv.Of(ns).Except(...)), a
// *socketio.Namespace (all its sockets) or a *socketio.Server (its main
// namespace). The emitter passes EmitArgs the encoded arguments, which it
// must not keep after returning (socketio's copy them).
type Target interface {
	EmitArgs(event string, args *socketio.Args) error
}

// AckTarget is where a generated emitter sends an event that each receiving
// socket acknowledges: a *socketio.BroadcastOperator or a
// *socketio.Namespace (or a *socketio.Server). (A single socket's
// acknowledgement goes through [EmitWithAck].)
type AckTarget interface {
	EmitWithAck(ctx context.Context, event string, args ...any) ([]*socketio.Args, error)
}

// Emit sends event with the arguments e holds to to, and recycles e.
func Emit(to Target, event string, e *Encoder) error {
	defer e.release()
	if e.err != nil {
		return encodeError(event, e.err)
	}
	e.args.Reset(e.finish(), e.att)
	return to.EmitArgs(event, &e.args)
}

// EmitWithAck sends event with the arguments e holds to the client of s and
// waits for its acknowledgement, as [socketio.Socket.EmitWithAck]; it
// recycles e.
func EmitWithAck(ctx context.Context, s *socketio.Socket, event string, e *Encoder) (*socketio.Args, error) {
	defer e.release()
	if e.err != nil {
		return nil, encodeError(event, e.err)
	}
	return s.EmitWithAck(ctx, event, socketio.NewArgs(e.finish(), e.att))
}

// BroadcastWithAck sends event with the arguments e holds to the sockets to
// selects and waits for their acknowledgements, as
// [socketio.BroadcastOperator.EmitWithAck]; it recycles e.
func BroadcastWithAck(ctx context.Context, to AckTarget, event string, e *Encoder) ([]*socketio.Args, error) {
	defer e.release()
	if e.err != nil {
		return nil, encodeError(event, e.err)
	}
	return to.EmitWithAck(ctx, event, socketio.NewArgs(e.finish(), e.att))
}

func encodeError(event string, err error) error {
	return fmt.Errorf("socketio: cannot encode %q: %w", event, err)
}

// Replies decodes the acknowledgements of a broadcast, all, as
// [BroadcastWithAck] returned them with err, one with decode each. A reply
// that does not decode does not lose the others: the result holds every
// reply that decoded, in arrival order, and the error joins err (a timeout
// with the replies received so far, say) with each reply's decode error.
func Replies[T any](all []*socketio.Args, err error, decode func(*socketio.Args) (T, error)) ([]T, error) {
	out := make([]T, 0, len(all))
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, a := range all {
		v, derr := decode(a)
		if derr != nil {
			errs = append(errs, derr)
			continue
		}
		out = append(out, v)
	}
	return out, errors.Join(errs...)
}
