package socketio

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
)

// TestAttachmentLimits checks socket.io-parser 4.2.7's limits at the
// server: a binary packet announcing 0 attachments, or more than
// Options.MaxAttachments (default 10), closes that client's connection
// ("parse error") and no other.
func TestAttachmentLimits(t *testing.T) {
	placeholders := func(n int) string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf(`{"_placeholder":true,"num":%d}`, i)
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		name    string
		max     int
		header  string // the text message; attachments follow
		n       int    // attachments sent
		handled bool
	}{
		{"ten by default", 0, `510-["bin",` + placeholders(10) + `]`, 10, true},
		{"eleven by default", 0, `511-["bin",` + placeholders(11) + `]`, 11, false},
		{"zero", 0, `50-["bin"]`, 0, false},
		{"zero binary ack", 0, `60-1[]`, 0, false},
		{"zero padded count", 0, `5010-["bin",` + placeholders(10) + `]`, 10, true},
		{"configured two", 2, `52-["bin",` + placeholders(2) + `]`, 2, true},
		{"configured three", 2, `53-["bin",` + placeholders(3) + `]`, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, &Options{MaxAttachments: tt.max})
				got := -1
				s.On("bin", func(_ context.Context, _ *Socket, args *Args, _ AckFunc) error {
					got = len(args.Attachments())
					return nil
				})
				other := dial(t, s)
				other.connect("/")
				tc := dial(t, s)
				tc.connect("/")
				atts := make([]string, tt.n)
				for i := range atts {
					atts[i] = fmt.Sprint(i)
				}
				tc.send(tt.header, atts...)
				synctest.Wait()
				if closed := tc.conn.isClosed(); closed == tt.handled {
					t.Fatalf("connection closed = %v", closed)
				}
				if tt.handled && got != tt.n {
					t.Fatalf("handler got %d attachments, want %d", got, tt.n)
				}
				if !tt.handled && got != -1 {
					t.Fatal("the handler ran")
				}
				if other.conn.isClosed() {
					t.Fatal("another client was closed")
				}
			})
		})
	}
}
