package redisadapter

import (
	"context"
	"errors"
	"log/slog"
	"net"

	"github.com/redis/go-redis/v9"
)

// publish sends the queued messages in order, in pipelines of up to
// maxBatch, until stop.
func (h *hub) publish() {
	defer h.wg.Done()
	batch := make([]outMsg, 0, maxBatch)
	for {
		select {
		case m := <-h.out:
			batch = append(batch[:0], m)
		case <-h.ctx.Done():
			return
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case m := <-h.out:
				batch = append(batch, m)
			default:
				break fill
			}
		}
		h.send(batch)
		clear(batch)
	}
}

// send publishes batch in one pipeline. A message whose caller has given up
// (its ctx is done) is not sent. Failures are logged with counts, telling
// a publish that did not happen from one whose outcome is unknown.
func (h *hub) send(batch []outMsg) {
	live := batch[:0:0]
	for _, m := range batch {
		if m.ctx != nil && m.ctx.Err() != nil {
			m.errc <- m.ctx.Err()
			continue
		}
		live = append(live, m)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(h.ctx, h.opts.RequestTimeout)
	defer cancel()
	cmds, err := h.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, m := range live {
			p.Publish(ctx, m.channel, m.payload)
		}
		return nil
	})
	var notSent, unknown int
	var notSentErr, unknownErr error
	for i, m := range live {
		e := err
		if i < len(cmds) {
			e = cmds[i].Err()
		}
		if e != nil {
			if publishNotSent(e) {
				notSent++
				notSentErr = e
			} else {
				unknown++
				unknownErr = e
			}
		}
		if m.errc != nil {
			m.errc <- e
		}
	}
	if h.ctx.Err() != nil {
		return
	}
	h.faults.add(slog.LevelWarn, "socketio: redis adapter: publish failed; other servers did not get these messages", notSent,
		slog.Any("err", notSentErr))
	h.faults.add(slog.LevelWarn, "socketio: redis adapter: publish outcome unknown (no answer from Redis); other servers may have missed these messages", unknown,
		slog.Any("err", unknownErr))
}

// publishNotSent reports whether err says for sure that the PUBLISH did
// not happen: Redis answered it with an error, or no connection could be
// had. Any other error (a timeout or a connection lost after writing) leaves
// the outcome unknown: Redis may have received and delivered the message.
func publishNotSent(err error) bool {
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
