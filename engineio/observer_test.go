package engineio_test

import (
	"slices"
	"testing"

	"github.com/siogo/sio/engineio"
)

// TestMergeObservers checks that merged observers are called in order and
// that nil observers and nil hooks are skipped.
func TestMergeObservers(t *testing.T) {
	var calls []string
	a := &engineio.Observer{
		RequestRefused: func(c engineio.ErrorCode) { calls = append(calls, "a:"+c.String()) },
		BytesSent:      func(tr string, n int) { calls = append(calls, "a:"+tr) },
	}
	b := &engineio.Observer{
		RequestRefused: func(c engineio.ErrorCode) { calls = append(calls, "b:"+c.String()) },
		PollingRequest: func(m string) { calls = append(calls, "b:"+m) },
	}
	for _, c := range []struct {
		name string
		obs  []*engineio.Observer
		want *engineio.Observer
	}{
		{"none", nil, nil},
		{"nils", []*engineio.Observer{nil, nil}, nil},
		{"one", []*engineio.Observer{nil, b}, b},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := engineio.MergeObservers(c.obs...); got != c.want {
				t.Errorf("MergeObservers = %p, want %p", got, c.want)
			}
		})
	}
	t.Run("two", func(t *testing.T) {
		m := engineio.MergeObservers(a, nil, b)
		m.RequestRefused(engineio.CodeForbidden)
		m.BytesSent(engineio.TransportPolling, 1)
		m.PollingRequest("GET")
		if m.SessionOpened != nil || m.SendDropped != nil {
			t.Error("hooks set by no observer are not nil")
		}
		want := []string{"a:Forbidden", "b:Forbidden", "a:polling", "b:GET"}
		if !slices.Equal(calls, want) {
			t.Errorf("calls %v, want %v", calls, want)
		}
	})
}
