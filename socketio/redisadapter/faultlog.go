package redisadapter

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// LogInterval is how often a recurring fault is logged: its first
// occurrence is logged at once, the later ones are counted and logged as
// one summary line per LogInterval while they go on (and when the adapter
// closes), each line with the number of occurrences it stands for.
const LogInterval = 10 * time.Second

// faultLog logs recurring faults (publish failures, full queues,
// malformed messages, ...) as a bounded number of lines with counts,
// whatever their rate.
type faultLog struct {
	log *slog.Logger

	mu      sync.Mutex            // guards kinds and stopped
	kinds   map[string]*faultKind // by message
	stopped bool
}

// faultKind is the state of one kind of fault: while window is set, new
// occurrences are counted into n and logged when it fires.
type faultKind struct {
	level  slog.Level
	n      int         // occurrences since the last line
	attrs  []slog.Attr // of the latest occurrence
	window *time.Timer // nil between windows
}

func newFaultLog(log *slog.Logger) *faultLog {
	return &faultLog{log: log, kinds: make(map[string]*faultKind)}
}

// add records n occurrences of the fault msg. The first of a window is
// logged at once with count n; the others go into the window's summary.
// attrs describe the latest occurrence (e.g. its error).
func (f *faultLog) add(level slog.Level, msg string, n int, attrs ...slog.Attr) {
	if n <= 0 || !f.log.Enabled(context.Background(), level) {
		return
	}
	f.mu.Lock()
	if f.stopped {
		f.mu.Unlock()
		return
	}
	k := f.kinds[msg]
	if k == nil {
		k = &faultKind{level: level}
		f.kinds[msg] = k
	}
	if k.window != nil {
		k.n += n
		k.attrs = attrs
		f.mu.Unlock()
		return
	}
	k.window = time.AfterFunc(LogInterval, func() { f.endWindow(msg) })
	f.mu.Unlock()
	f.write(level, msg, n, false, attrs)
}

// endWindow logs the summary of msg's window, and opens the next window
// when there was something to report, so that a fault that goes on is
// logged once per LogInterval.
func (f *faultLog) endWindow(msg string) {
	f.mu.Lock()
	k := f.kinds[msg]
	if f.stopped || k == nil {
		f.mu.Unlock()
		return
	}
	n, attrs, level := k.n, k.attrs, k.level
	k.n, k.attrs = 0, nil
	if n == 0 {
		delete(f.kinds, msg)
		f.mu.Unlock()
		return
	}
	k.window = time.AfterFunc(LogInterval, func() { f.endWindow(msg) })
	f.mu.Unlock()
	f.write(level, msg, n, true, attrs)
}

// stop logs the pending summaries and stops the windows.
func (f *faultLog) stop() {
	type line struct {
		level slog.Level
		msg   string
		n     int
		attrs []slog.Attr
	}
	var lines []line
	f.mu.Lock()
	f.stopped = true
	for msg, k := range f.kinds {
		if k.window != nil {
			k.window.Stop()
		}
		if k.n > 0 {
			lines = append(lines, line{k.level, msg, k.n, k.attrs})
		}
	}
	clear(f.kinds)
	f.mu.Unlock()
	for _, l := range lines {
		f.write(l.level, l.msg, l.n, true, l.attrs)
	}
}

func (f *faultLog) write(level slog.Level, msg string, n int, summary bool, attrs []slog.Attr) {
	all := make([]slog.Attr, 0, len(attrs)+2)
	all = append(all, slog.Int("count", n))
	if summary {
		all = append(all, slog.Duration("within", LogInterval))
	}
	all = append(all, attrs...)
	f.log.LogAttrs(context.Background(), level, msg, all...)
}
