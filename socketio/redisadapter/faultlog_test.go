package redisadapter

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// countingHandler records the count attribute of every line.
type countingHandler struct {
	mu     sync.Mutex // guards counts and times
	counts []int64
	times  []time.Time
}

func (h *countingHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	var n int64 = -1
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "count" {
			n = a.Value.Int64()
		}
		return true
	})
	h.mu.Lock()
	h.counts = append(h.counts, n)
	h.times = append(h.times, time.Now())
	h.mu.Unlock()
	return nil
}

func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }

func (h *countingHandler) lines() ([]int64, []time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]int64(nil), h.counts...), append([]time.Time(nil), h.times...)
}

// TestFaultLogBounded feeds a fault log 10,000 occurrences of one fault
// over 65 s: it writes the first at once, then one summary per
// LogInterval while the fault goes on, and the counts add up to the
// occurrences.
func TestFaultLogBounded(t *testing.T) {
	tests := []struct {
		name      string
		n         int
		spread    time.Duration
		level     slog.Level
		wantLines int
	}{
		{"burst", 10000, 0, slog.LevelWarn, 2},
		{"sustained", 10000, 65 * time.Second, slog.LevelWarn, 1 + 7},
		{"disabled level", 10000, 0, slog.LevelDebug, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := &countingHandler{}
				f := newFaultLog(slog.New(h))
				start := time.Now()
				for i := range tc.n {
					f.add(tc.level, "fault", 1, slog.Int("i", i))
					if tc.spread > 0 {
						time.Sleep(tc.spread / time.Duration(tc.n))
					}
				}
				// Let the windows run out: a quiet interval ends them.
				time.Sleep(3 * LogInterval)
				counts, times := h.lines()
				if len(counts) != tc.wantLines {
					t.Fatalf("%d lines (%v), want %d", len(counts), counts, tc.wantLines)
				}
				var sum int64
				for i, c := range counts {
					sum += c
					if i > 0 && times[i].Sub(times[i-1]) < LogInterval {
						t.Errorf("line %d %v after the previous, want at least %v", i, times[i].Sub(times[i-1]), LogInterval)
					}
				}
				if tc.wantLines > 0 && sum != int64(tc.n) {
					t.Errorf("counts %v add up to %d, want %d", counts, sum, tc.n)
				}
				if tc.wantLines > 0 && !times[0].Equal(start) {
					t.Errorf("first line at %v, want at once", times[0].Sub(start))
				}
				// After a quiet interval the next occurrence is logged at once,
				// and stop writes the pending summary.
				f.add(slog.LevelWarn, "fault", 3)
				f.add(slog.LevelWarn, "fault", 4)
				f.stop()
				f.add(slog.LevelWarn, "fault", 5)
				counts, _ = h.lines()
				if got := counts[len(counts)-2:]; got[0] != 3 || got[1] != 4 {
					t.Errorf("last lines %v, want [3 4]", got)
				}
			})
		})
	}
}
