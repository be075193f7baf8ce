package socketio

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/siogo/sio/engineio"
)

// TestHandshakeJSONMatchesNode builds a Handshake from the request that
// testdata/node/handshake.mjs sent to Node's socket.io server, and checks
// that its JSON is the socket.handshake that Node made of it.
func TestHandshakeJSONMatchesNode(t *testing.T) {
	raw, err := os.ReadFile("testdata/node/handshake_node.json")
	if err != nil {
		t.Fatal(err)
	}
	var node struct {
		Headers map[string]string `json:"headers"`
		Address string            `json:"address"`
		Issued  int64             `json:"issued"`
		URL     string            `json:"url"`
		Auth    json.RawMessage   `json:"auth"`
	}
	if err := json.Unmarshal(raw, &node); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", node.URL, nil)
	r.RemoteAddr = node.Address + ":54321"
	r.Host = node.Headers["host"]
	for k, v := range node.Headers {
		if k != "host" {
			r.Header.Set(k, v)
		}
	}
	h := newHandshake(engineio.NewHandshake(r), []byte(`{"token":"t"}`), time.UnixMilli(node.Issued).UTC())
	got, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	var want, have any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &have); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(have, want) {
		t.Fatalf("handshake JSON\n%s\nwant Node's\n%s", got, raw)
	}
	// A *Handshake inside other values marshals the same way.
	wrapped, err := json.Marshal(map[string]any{"h": h, "v": *h})
	if err != nil {
		t.Fatal(err)
	}
	var both map[string]any
	if err := json.Unmarshal(wrapped, &both); err != nil || !reflect.DeepEqual(both["h"], want) || !reflect.DeepEqual(both["v"], want) {
		t.Fatalf("wrapped: %s", wrapped)
	}
}

func TestHandshakeJSON(t *testing.T) {
	at := time.Date(2026, 12, 2, 15, 53, 53, 884e6, time.UTC)
	tests := []struct {
		name string
		req  func() *http.Request
		auth []byte
		want string
	}{
		{
			name: "repeated headers and query keys",
			req: func() *http.Request {
				r := httptest.NewRequest("GET", "/socket.io/?EIO=4&transport=websocket&a=1&a=2", nil)
				r.RemoteAddr = "[::1]:4000"
				r.Header["Accept"] = []string{"a", "b"}
				r.Header["Cookie"] = []string{"x=1", "y=2"}
				r.Header["Set-Cookie"] = []string{"s=1"}
				r.Header["User-Agent"] = []string{"first", "second"}
				return r
			},
			auth: []byte(`{"k":[1]}`),
			want: `{"headers":{"accept":"a, b","cookie":"x=1; y=2","host":"example.com","set-cookie":["s=1"],"user-agent":"first"},` +
				`"time":"Wed Dec 02 2026 15:53:53 GMT+0000 (Coordinated Universal Time)","address":"::1","xdomain":false,"secure":false,` +
				`"issued":1796226833884,"url":"/socket.io/?EIO=4\u0026transport=websocket\u0026a=1\u0026a=2","query":{"EIO":"4","a":"2","transport":"websocket"},"auth":{"k":[1]}}`,
		},
		{
			name: "no request, no auth",
			req:  func() *http.Request { return nil },
			want: `{"headers":{},"time":"Wed Dec 02 2026 15:53:53 GMT+0000 (Coordinated Universal Time)","address":"","xdomain":false,"secure":true,"issued":1796226833884,"url":"","query":{},"auth":{}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var eh *engineio.Handshake
			if r := tt.req(); r != nil {
				eh = engineio.NewHandshake(r)
			}
			h := newHandshake(eh, tt.auth, at)
			got, err := json.Marshal(h)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tt.want)
			}
			// Decoding gives back what the JSON holds.
			var back Handshake
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatal(err)
			}
			if !back.Time.Equal(h.Time) || back.Issued != h.Issued || back.URL != h.URL || back.Secure != h.Secure {
				t.Fatalf("decoded %+v from %+v", back, h)
			}
			again, err := json.Marshal(&back)
			if err != nil {
				t.Fatal(err)
			}
			var m1, m2 map[string]any
			_ = json.Unmarshal(got, &m1)
			_ = json.Unmarshal(again, &m2)
			delete(m1, "time") // in the local zone after decoding
			delete(m2, "time")
			if !reflect.DeepEqual(m1, m2) {
				t.Fatalf("re-encoded\n%s\nwant\n%s", again, got)
			}
		})
	}
}
