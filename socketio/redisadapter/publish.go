package redisadapter

import (
	"log/slog"

	"github.com/siogo/sio/socketio/redisadapter/internal/publish"
)

// outMsg is one message for the publisher; see [publish.Msg].
type outMsg = publish.Msg

// publish sends the queued messages in order, in pipelines of up to
// publish.MaxBatch, until stop. Failures are logged with counts, telling
// a publish that did not happen from one whose outcome is unknown.
func (h *hub) publish() {
	defer h.wg.Done()
	s := &publish.Sender{Client: h.client, Timeout: h.opts.RequestTimeout, Report: func(f publish.Failures) {
		h.faults.add(slog.LevelWarn, "socketio: redis adapter: publish failed; other servers did not get these messages", f.NotSent,
			slog.Any("err", f.NotSentErr))
		h.faults.add(slog.LevelWarn, "socketio: redis adapter: publish outcome unknown (no answer from Redis); other servers may have missed these messages", f.Unknown,
			slog.Any("err", f.UnknownErr))
	}}
	s.Run(h.ctx, h.out)
}
