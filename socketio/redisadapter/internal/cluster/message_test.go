package cluster

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// vectors are the messages Node's sharded adapter published, recorded by
// testdata/node/gen.cjs.
type vectors struct {
	UID     string `json:"uid"`
	Vectors []struct {
		Name    string `json:"name"`
		Channel string `json:"channel"`
		Hex     string `json:"hex"`
	} `json:"vectors"`
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs vectors
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

// TestNodeVectors decodes each message Node published and encodes it
// again: msgpack messages give Node's bytes, JSON messages Node's value
// (key order aside).
func TestNodeVectors(t *testing.T) {
	vs := loadVectors(t)
	if len(vs.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	for _, v := range vs.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			node, err := hex.DecodeString(v.Hex)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Decode(node)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if m.UID != vs.UID || m.Nsp != "/" {
				t.Errorf("uid %q nsp %q, want %q /", m.UID, m.Nsp, vs.UID)
			}
			out, err := Encode(m)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if node[0] != '{' {
				if !bytes.Equal(out, node) {
					t.Errorf("msgpack:\n got %x\nwant %x", out, node)
				}
				return
			}
			var got, want any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("Encode wrote %s: %v", out, err)
			}
			_ = json.Unmarshal(node, &want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("JSON:\n got %s\nwant %s", out, node)
			}
		})
	}
}

// TestDecodeMalformed checks that bad messages are refused with
// ErrMalformed.
func TestDecodeMalformed(t *testing.T) {
	tests := []struct {
		name string
		msg  string
	}{
		{"empty", ""},
		{"not JSON", "{oops"},
		{"trailing", `{"type":2,"uid":"a","nsp":"/"} {}`},
		{"unknown type", `{"type":99,"data":{},"uid":"a","nsp":"/"}`},
		{"no data", `{"type":3,"uid":"a","nsp":"/"}`},
		{"broadcast without opts", `{"type":3,"data":{"packet":{"type":2,"data":["e"]}},"uid":"a","nsp":"/"}`},
		{"broadcast data not an array", `{"type":3,"data":{"packet":{"type":2,"data":"e"},"opts":{"rooms":[],"except":[]}},"uid":"a","nsp":"/"}`},
		{"join without opts", `{"type":4,"data":{"rooms":["r"]},"uid":"a","nsp":"/"}`},
		{"fetch response without sockets", `{"type":8,"data":{"requestId":"x"},"uid":"a","nsp":"/"}`},
		{"server-side emit not an array", `{"type":9,"data":{"packet":{}},"uid":"a","nsp":"/"}`},
		{"truncated msgpack", "\x84\xa4type"},
		{"msgpack not a map", "\xc1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if m, err := Decode([]byte(tc.msg)); !errors.Is(err, ErrMalformed) {
				t.Errorf("Decode = %+v, %v; want ErrMalformed", m, err)
			}
		})
	}
}

// TestHeartbeatsDecode: the heartbeat variant's messages, which have no
// data, are understood (and ignored by the adapter).
func TestHeartbeatsDecode(t *testing.T) {
	for _, typ := range []MessageType{InitialHeartbeat, Heartbeat, AdapterClose} {
		b, err := Encode(&Message{Type: typ, UID: "u", Nsp: "/"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := Decode(b)
		if err != nil || m.Type != typ {
			t.Errorf("type %d: %s decoded as %+v, %v", typ, b, m, err)
		}
	}
}

func TestInlineBinary(t *testing.T) {
	att := [][]byte{{1, 2, 3}, {0xff}}
	tests := []struct {
		name, in, want string
		att            [][]byte
	}{
		{"no attachments", `["a",{"_placeholder":true,"num":0}]`, `["a",{"_placeholder":true,"num":0}]`, nil},
		{"top level", `{"_placeholder":true,"num":1}`, `"/w=="`, att},
		{"in array", `["e",{"_placeholder":true,"num":0},2]`, `["e","AQID",2]`, att},
		{"nested, key order kept", `{"z":1,"b":{"x":[{"num":1,"_placeholder":true}]},"a":"<&>"}`, `{"z":1,"b":{"x":["/w=="]},"a":"<&>"}`, att},
		{"out of range", `[{"_placeholder":true,"num":2}]`, `[{"_placeholder":true,"num":2}]`, att},
		{"extra member", `[{"_placeholder":true,"num":0,"x":1}]`, `[{"_placeholder":true,"num":0,"x":1}]`, att},
		{"not true", `[{"_placeholder":1,"num":0}]`, `[{"_placeholder":1,"num":0}]`, att},
		{"scalars", `[null,true,1.5e3,"s"]`, `[null,true,1.5e3,"s"]`, att},
		{"empty containers", `[[],{}]`, `[[],{}]`, att},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := InlineBinary(json.RawMessage(tc.in), tc.att)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	deep := json.RawMessage(strings.Repeat("[", 200) + `{"_placeholder":true,"num":0}` + strings.Repeat("]", 200))
	if _, err := InlineBinary(deep, att); !errors.Is(err, ErrMalformed) {
		t.Errorf("200 levels deep: %v, want ErrMalformed", err)
	}
}

// TestNodeBinaryServerSideEmit: Node's serverSideEmit("sse_bin",
// Buffer.from([9])) decodes to data whose binary, inlined, is base64.
func TestNodeBinaryServerSideEmit(t *testing.T) {
	vs := loadVectors(t)
	for _, v := range vs.Vectors {
		if v.Name != "server_side_emit_binary" {
			continue
		}
		raw, _ := hex.DecodeString(v.Hex)
		m, err := Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		data, err := InlineBinary(m.Data, m.Attachments)
		if err != nil {
			t.Fatal(err)
		}
		var args []any
		if err := json.Unmarshal(data, &args); err != nil {
			t.Fatal(err)
		}
		var bin []byte
		if err := json.Unmarshal(data[len(`["sse_bin",`):len(data)-1], &bin); err != nil || !bytes.Equal(bin, []byte{9}) || args[0] != "sse_bin" {
			t.Fatalf("inlined %s: %v %v", data, bin, err)
		}
		return
	}
	t.Fatal("vector server_side_emit_binary missing")
}
