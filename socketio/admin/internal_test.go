package admin

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestMarshalData(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"nil", nil, `{}`},
		{"object", map[string]int{"a": 1}, `{"a":1}`},
		{"struct", struct{ Nick string }{"bob"}, `{"Nick":"bob"}`},
		{"string", "hello", `{"value":"hello"}`},
		{"number", 42, `{"value":42}`},
		{"array", []int{1, 2}, `{"value":[1,2]}`},
		{"too large", map[string]string{"a": strings.Repeat("x", 100)}, `{"_truncated":108}`},
		{"not marshalable", map[string]any{"c": make(chan int)}, `{}`},
		{"panicking", panicker{}, `{}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(marshalData(tc.v, 64)); got != tc.want {
				t.Errorf("marshalData = %s, want %s", got, tc.want)
			}
		})
	}
}

type panicker struct{}

func (panicker) MarshalJSON() ([]byte, error) { panic("internal detail") }

// TestSessions: at most max sessions are remembered, the oldest
// forgotten first, each for ttl.
func TestSessions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ss := newSessions(3, time.Hour)
		var ids []string
		for range 5 {
			ids = append(ids, ss.add())
		}
		for i, id := range ids {
			if got, want := ss.valid(id), i >= 2; got != want {
				t.Errorf("session %d valid = %v, want %v", i, got, want)
			}
		}
		for _, bad := range []string{"", "nope", strings.Repeat("a", 65)} {
			if ss.valid(bad) {
				t.Errorf("%q valid", bad)
			}
		}
		time.Sleep(time.Hour + time.Second)
		if ss.valid(ids[4]) {
			t.Error("an expired session is valid")
		}
		for range 100 {
			ss.add()
		}
		if len(ss.ids) > 3 || len(ss.order) > 7 {
			t.Errorf("%d ids, %d in order; want at most 3 and 7", len(ss.ids), len(ss.order))
		}
	})
}

// TestLoginHashing: at most maxConcurrentHashes bcrypt comparisons run
// at once; a login waiting for its turn gives up with its ctx.
func TestLoginHashing(t *testing.T) {
	h, _ := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	au := newAuthenticator(BasicAuth{Username: "u", PasswordHash: string(h)}, newSessions(10, time.Hour))
	for range maxConcurrentHashes {
		au.hashing <- struct{}{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	raw, _ := json.Marshal(loginAuth{Username: "u", Password: "pw"})
	if _, err := au.login(ctx, raw); err != errInvalidCredentials {
		t.Errorf("login while hashing is busy: %v", err)
	}
	for range maxConcurrentHashes {
		<-au.hashing
	}
	if sid, err := au.login(context.Background(), raw); err != nil || sid == "" {
		t.Errorf("login = %q, %v", sid, err)
	}
}

// TestQueueBound: beyond its bytes the queue drops events and counts
// them.
func TestQueueBound(t *testing.T) {
	q := newQueue(4 * eventOverhead)
	for range 3 {
		q.push(uiEvent{name: "e", size: 10})
	}
	q.push(uiEvent{name: "big", size: 1000})
	if got := len(q.take()); got != 3 {
		t.Errorf("took %d events, want 3", got)
	}
	if d := q.droppedCount(); d != 1 {
		t.Errorf("dropped %d, want 1", d)
	}
	q.push(uiEvent{name: "e"})
	if got := len(q.take()); got != 1 {
		t.Errorf("after take: %d events, want 1", got)
	}
}

// TestEventBuffer: counts are per second, type and subtype, and taken
// once.
func TestEventBuffer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var b eventBuffer
		b.push(evBytesIn, "", 10)
		b.push(evBytesIn, "", 5)
		b.push(evRawDisconnection, "transport close", 1)
		time.Sleep(time.Second)
		b.push(evBytesIn, "", 1)
		got := b.take()
		want := []aggregatedEvent{
			{Timestamp: got[0].Timestamp, Type: evBytesIn, Count: 15},
			{Timestamp: got[0].Timestamp, Type: evRawDisconnection, SubType: "transport close", Count: 1},
			{Timestamp: got[0].Timestamp + 1000, Type: evBytesIn, Count: 1},
		}
		if len(got) != len(want) {
			t.Fatalf("got %+v", got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("event %d = %+v, want %+v", i, got[i], want[i])
			}
		}
		if len(b.take()) != 0 {
			t.Error("take did not clear")
		}
		for i := range maxAggregated + 10 {
			b.push(evBytesIn, string(rune(i)), 1)
		}
		if n := len(b.take()); n != maxAggregated {
			t.Errorf("%d entries, want the bound %d", n, maxAggregated)
		}
	})
}
