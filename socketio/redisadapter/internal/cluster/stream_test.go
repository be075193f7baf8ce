package cluster

import (
	"slices"
	"testing"
)

// TestStreamName checks the namespaces' streams against Node's
// computeStreamName (values from @socket.io/redis-streams-adapter 0.3.1's
// hashCode), negative remainders included, and that each is among the
// streams StreamNames lists.
func TestStreamName(t *testing.T) {
	tests := []struct {
		nsp    string
		count  int
		stream string
	}{
		{"/", 0, "s"},
		{"/", 1, "s"},
		{"/", 3, "s-2"},
		{"/", 4, "s-3"},
		{"/chat", 3, "s-1"},
		{"/admin", 4, "s-0"},
		{"/ünïcödé", 3, "s-0"},
		{"/ünïcödé", 4, "s--2"},
		{"/😀", 4, "s-2"},
		{"/a-very-long-namespace-name-for-overflow", 4, "s-1"},
	}
	for _, tc := range tests {
		t.Run(tc.nsp, func(t *testing.T) {
			if got := StreamName(tc.nsp, "s", tc.count); got != tc.stream {
				t.Errorf("StreamName(%q, s, %d) = %q, want %q", tc.nsp, tc.count, got, tc.stream)
			}
			names := StreamNames("s", tc.count)
			if !slices.Contains(names, tc.stream) {
				t.Errorf("%q is not among the streams read, %v", tc.stream, names)
			}
			if want := max(2*tc.count-1, 1); len(names) != want {
				t.Errorf("StreamNames(s, %d) has %d streams, want %d", tc.count, len(names), want)
			}
		})
	}
}
