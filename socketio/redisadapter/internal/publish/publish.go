// Package publish is the publish queue of this module's Redis adapters: the
// messages a server sends to the others wait in one bounded channel
// (the adapter's PublishQueueSize) and one goroutine per server sends
// them, in order, in pipelines of at most [MaxBatch], with PUBLISH (the
// classic adapter) or SPUBLISH (the sharded adapter). The queue bounds the
// memory and the Redis commands one server has in flight; what does not
// fit is dropped (broadcasts, responses) or waits for room within its
// caller's ctx (requests), as the adapter decides.
package publish

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
)

// MaxBatch bounds the messages sent in one pipeline.
const MaxBatch = 256

// Msg is one message for the publisher. Errc, when set, gets the result
// (it needs room for one); Ctx, when set, is the caller's: the message is
// not sent once it is done. Origin, when set and Errc is not, is told when
// the message was not published (or its outcome is unknown).
type Msg struct {
	Channel string
	Payload []byte
	Ctx     context.Context
	Errc    chan error
	Origin  Origin
}

// Origin is the sender of a message (a namespace's adapter), told of its
// failures for its metrics; NotPublished runs on the sender's goroutine
// and must not block.
type Origin interface {
	NotPublished(err error)
}

// Failures counts the messages of one pipeline that failed.
type Failures struct {
	// NotSent counts the messages Redis surely did not publish (it
	// answered with an error, or no connection could be had); NotSentErr
	// is the last such error.
	NotSent    int
	NotSentErr error
	// Unknown counts those whose outcome is unknown (a timeout, a
	// connection lost after writing): other servers may have got them.
	Unknown    int
	UnknownErr error
}

// Sender publishes what a queue holds.
type Sender struct {
	Client redis.UniversalClient
	// Sharded selects SPUBLISH (go-redis sends each to its slot's node).
	Sharded bool
	// Timeout bounds one pipeline.
	Timeout time.Duration
	// Report, when set, gets the failures of each pipeline that had some,
	// unless ctx was done. It runs on the sender's goroutine.
	Report func(Failures)
}

// Run sends the messages of in, in order, in pipelines of up to MaxBatch,
// until ctx is done.
func (s *Sender) Run(ctx context.Context, in <-chan Msg) {
	batch := make([]Msg, 0, MaxBatch)
	for {
		select {
		case m := <-in:
			batch = append(batch[:0], m)
		case <-ctx.Done():
			return
		}
	fill:
		for len(batch) < MaxBatch {
			select {
			case m := <-in:
				batch = append(batch, m)
			default:
				break fill
			}
		}
		s.send(ctx, batch)
		clear(batch)
	}
}

// send publishes batch in one pipeline. A message whose caller has given up
// (its ctx is done) is not sent.
func (s *Sender) send(ctx context.Context, batch []Msg) {
	live := batch[:0:0]
	for _, m := range batch {
		if m.Ctx != nil && m.Ctx.Err() != nil {
			m.Errc <- m.Ctx.Err()
			continue
		}
		live = append(live, m)
	}
	if len(live) == 0 {
		return
	}
	pctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	cmds, err := s.Client.Pipelined(pctx, func(p redis.Pipeliner) error {
		for _, m := range live {
			if s.Sharded {
				p.SPublish(pctx, m.Channel, m.Payload)
			} else {
				p.Publish(pctx, m.Channel, m.Payload)
			}
		}
		return nil
	})
	var f Failures
	for i, m := range live {
		e := err
		if i < len(cmds) {
			e = cmds[i].Err()
		}
		if e != nil {
			if NotSent(e) {
				f.NotSent++
				f.NotSentErr = e
			} else {
				f.Unknown++
				f.UnknownErr = e
			}
		}
		if m.Errc != nil {
			m.Errc <- e
		} else if e != nil && m.Origin != nil && ctx.Err() == nil {
			m.Origin.NotPublished(e)
		}
	}
	if ctx.Err() == nil && (f.NotSent > 0 || f.Unknown > 0) && s.Report != nil {
		s.Report(f)
	}
}

// NotSent reports whether err says for sure that the publish did not
// happen: Redis answered it with an error, or no connection could be had.
// Any other error (a timeout or a connection lost after writing) leaves
// the outcome unknown: Redis may have received and delivered the message.
func NotSent(err error) bool {
	var rerr redis.Error
	if errors.As(err, &rerr) {
		return true
	}
	var oerr *net.OpError
	if errors.As(err, &oerr) && oerr.Op == "dial" {
		return true
	}
	return errors.Is(err, redis.ErrPoolTimeout) || errors.Is(err, redis.ErrPoolExhausted) || errors.Is(err, redis.ErrClosed)
}
