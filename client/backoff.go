package client

import (
	"math"
	"time"
)

// backoff computes reconnection delays as socket.io-client's backo2 does:
// min·2^attempt, moved up or down (by a coin flip taken from the same random
// number) by up to jitter of itself, capped at max.
type backoff struct {
	min, max time.Duration
	jitter   float64
	random   func() float64
	attempts int
}

// duration returns the delay before the next attempt and counts it.
func (b *backoff) duration() time.Duration {
	ms := float64(b.min) * math.Pow(2, float64(b.attempts))
	b.attempts++
	if b.jitter > 0 {
		r := b.random()
		dev := math.Floor(r * b.jitter * ms)
		if int(math.Floor(r*10))&1 == 0 {
			ms -= dev
		} else {
			ms += dev
		}
	}
	if ms > float64(b.max) || math.IsNaN(ms) {
		return b.max
	}
	return time.Duration(ms)
}

func (b *backoff) reset() { b.attempts = 0 }
