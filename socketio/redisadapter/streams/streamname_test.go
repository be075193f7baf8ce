package streams

import "testing"

// TestStreamName checks the namespaces' streams against Node's
// computeStreamName (values from @socket.io/redis-streams-adapter 0.3.1's
// hashCode), negative remainders included.
func TestStreamName(t *testing.T) {
	tests := []struct {
		nsp    string
		count  int
		stream string
	}{
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
		o := &Options{StreamName: "s", StreamCount: tc.count}
		if got := streamName(tc.nsp, o); got != tc.stream {
			t.Errorf("streamName(%q, %d) = %q, want %q", tc.nsp, tc.count, got, tc.stream)
		}
		if !contains(streamNames(o), tc.stream) {
			t.Errorf("%q is not among the streams read, %v", tc.stream, streamNames(o))
		}
	}
}

func contains(list []string, s string) bool { return indexOf(list, s) >= 0 }
