package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/parser"
)

// jsonText returns v as socketio's encoder (encoding/json with HTML escaping
// off) writes it.
func jsonText(t *testing.T, v any) (string, error) {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// quoted is a struct whose fields carry ",string", as a simple struct of
// generated code may.
type quoted struct {
	S string  `json:"s,string"`
	B bool    `json:"b,string"`
	I int64   `json:"i,string"`
	U uint64  `json:"u,string"`
	F float64 `json:"f,string"`
	G float32 `json:"g,string"`
}

// encodeQuoted writes q as generated code writes a simple struct.
func encodeQuoted(e *Encoder, q *quoted) {
	e.BeginObject()
	e.Key(`"s":`)
	e.QuotedString(q.S)
	e.Key(`"b":`)
	e.QuotedBool(q.B)
	e.Key(`"i":`)
	e.QuotedInt(q.I)
	e.Key(`"u":`)
	e.QuotedUint(q.U)
	e.Key(`"f":`)
	e.QuotedFloat64(q.F)
	e.Key(`"g":`)
	e.QuotedFloat32(q.G)
	e.EndObject()
}

// checkEncoding compares what an Encoder writes for the values with
// encoding/json's text and errors for them.
func checkEncoding(t *testing.T, s string, b bool, i int64, u uint64, f float64) {
	t.Helper()
	g := float32(f)
	q := quoted{s, b, i, u, f, g}
	want := []any{s, b, i, u, f, g, q}
	var parts []string
	var wantErr error
	for _, v := range want {
		text, err := jsonText(t, v)
		if err != nil {
			wantErr = err
			break
		}
		parts = append(parts, text)
	}
	e := NewEncoder()
	defer e.release()
	e.Next()
	e.String(s)
	e.Next()
	e.Bool(b)
	e.Next()
	e.Int(i)
	e.Next()
	e.Uint(u)
	e.Next()
	e.Float64(f)
	e.Next()
	e.Float32(g)
	e.Next()
	encodeQuoted(e, &q)
	if wantErr != nil {
		var uv, got *json.UnsupportedValueError
		if !errors.As(wantErr, &uv) || !errors.As(e.Err(), &got) || got.Error() != uv.Error() {
			t.Fatalf("%q %v %d %d %v: error %v, encoding/json's %v", s, b, i, u, f, e.Err(), wantErr)
		}
		return
	}
	if e.Err() != nil {
		t.Fatalf("%q %v %d %d %v: %v", s, b, i, u, f, e.Err())
	}
	if got, want := string(e.finish()), "["+strings.Join(parts, ",")+"]"; got != want {
		t.Fatalf("encoder:       %s\nencoding/json: %s", got, want)
	}
}

func TestEncoder(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		s    string
		b    bool
		i    int64
		u    uint64
		f    float64
	}{
		{"zero", "", false, 0, 0, 0},
		{"html", "<a href=\"x\">&amp;</a>", true, -1, 1, 1.5},
		{"controls", "\x00\x01\b\f\n\r\t\x1f\x7f\\", false, math.MinInt64, math.MaxUint64, math.Copysign(0, -1)},
		{"line separators", "a\u2028b\u2029c", true, math.MaxInt64, 0, 1e21},
		{"invalid utf-8", "\xff\xfe a \xc3 \xed\xa0\x80", false, 42, 42, 1e-7},
		{"multibyte", "héllo, 世界 🌍", true, 1, 2, 123456789.125},
		{"small exponent", "x", false, 0, 0, 1e-6},
		{"large", "x", false, 0, 0, 1e20},
		{"float32 cutoff", "x", false, 0, 0, 9.999999e20},
		{"negative exponent", "x", false, 0, 0, -3.4e-9},
		{"max float", "x", false, 0, 0, math.MaxFloat64},
		{"smallest", "x", false, 0, 0, math.SmallestNonzeroFloat64},
		{"NaN", "x", false, 0, 0, math.NaN()},
		{"+Inf", "x", false, 0, 0, math.Inf(1)},
		{"-Inf", "x", false, 0, 0, math.Inf(-1)},
		{"float32 overflow", "x", false, 0, 0, 1e39},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			checkEncoding(t, c.s, c.b, c.i, c.u, c.f)
		})
	}
}

func FuzzEncoder(f *testing.F) {
	f.Add("hello", true, int64(-7), uint64(7), 2.5)
	f.Add("<&>\u2028\xff\"\\\x00", false, int64(math.MinInt64), uint64(math.MaxUint64), 1e-7)
	f.Add("", false, int64(0), uint64(0), math.Inf(1))
	f.Fuzz(func(t *testing.T, s string, b bool, i int64, u uint64, fl float64) {
		checkEncoding(t, s, b, i, u, fl)
	})
}

// TestEncoderLikeMarshalArgs checks that an Encoder's arguments are those of
// socketio's encoder (parser.MarshalArgs) for the same values: binary
// attachments, json.RawMessage, values left to encoding/json.
func TestEncoderLikeMarshalArgs(t *testing.T) {
	t.Parallel()
	type point struct {
		X, Y int
		Tag  string `json:"tag,omitempty"`
	}
	for _, c := range []struct {
		name   string
		values []any
		write  func(e *Encoder)
	}{
		{"none", nil, func(e *Encoder) {}},
		{"binary", []any{[]byte("a"), []byte(nil), "x", []byte("b")}, func(e *Encoder) {
			e.Next()
			e.Binary([]byte("a"))
			e.Next()
			e.Binary(nil)
			e.Next()
			e.String("x")
			e.Next()
			e.Binary([]byte("b"))
		}},
		{"raw", []any{json.RawMessage(`{"a": [1, 2]}`), json.RawMessage(nil)}, func(e *Encoder) {
			e.Next()
			e.RawJSON(json.RawMessage(`{"a": [1, 2]}`))
			e.Next()
			e.RawJSON(nil)
		}},
		{"json", []any{point{1, 2, "<p>"}, map[string]int{"b": 2, "a": 1}, []any{[]byte("n")}}, func(e *Encoder) {
			e.Next()
			e.JSON(point{1, 2, "<p>"})
			e.Next()
			e.JSON(map[string]int{"b": 2, "a": 1})
			e.Next()
			e.JSON([]any{[]byte("n")})
		}},
		{"null", []any{nil, 1}, func(e *Encoder) {
			e.Next()
			e.Null()
			e.Next()
			e.Int(1)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			wantData, wantAtt, err := parser.MarshalArgs(c.values...)
			if err != nil {
				t.Fatal(err)
			}
			e := NewEncoder()
			defer e.release()
			c.write(e)
			if e.Err() != nil {
				t.Fatal(e.Err())
			}
			if got := string(e.finish()); got != string(wantData) {
				t.Errorf("encoder: %s, MarshalArgs: %s", got, wantData)
			}
			if len(e.att) != len(wantAtt) {
				t.Fatalf("attachments: %q, MarshalArgs: %q", e.att, wantAtt)
			}
			for i := range wantAtt {
				if !bytes.Equal(e.att[i], wantAtt[i]) || e.att[i] == nil {
					t.Errorf("attachment %d: %q, MarshalArgs: %q", i, e.att[i], wantAtt[i])
				}
			}
		})
	}
}

func TestEncoderErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		write func(e *Encoder)
		want  string
	}{
		{"NaN sticks", func(e *Encoder) {
			e.Next()
			e.Float64(math.NaN())
			e.Next()
			e.Float32(float32(math.Inf(-1)))
		}, "json: unsupported value: NaN"},
		{"quoted infinity", func(e *Encoder) { e.Next(); e.QuotedFloat32(float32(math.Inf(1))) }, "json: unsupported value: +Inf"},
		{"bad raw JSON", func(e *Encoder) { e.Next(); e.RawJSON(json.RawMessage("{")) }, "socketio: json.RawMessage argument is not valid JSON in UTF-8"},
		{"json", func(e *Encoder) { e.Next(); e.JSON(make(chan int)) }, "json: unsupported type: chan int"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := NewEncoder()
			c.write(e)
			err := Emit(targetFunc(func(string, *socketio.Args) error { t.Fatal("sent despite an encoding error"); return nil }), "ev", e)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), `socketio: cannot encode "ev": `) {
				t.Errorf("Emit: %v; want an error with %q", err, c.want)
			}
		})
	}
}

type targetFunc func(event string, args *socketio.Args) error

func (f targetFunc) EmitArgs(event string, args *socketio.Args) error { return f(event, args) }

func TestEmitForwardsArgs(t *testing.T) {
	t.Parallel()
	var raw0, raw1 string
	var att [][]byte
	e := NewEncoder()
	e.Next()
	e.String("a")
	e.Next()
	e.Binary([]byte("bin"))
	err := Emit(targetFunc(func(event string, a *socketio.Args) error {
		if event != "ev" {
			t.Fatalf("EmitArgs(%q)", event)
		}
		// Read now: the Encoder's buffer is recycled when Emit returns.
		raw0, raw1, att = string(a.Raw(0)), string(a.Raw(1)), a.Attachments()
		return nil
	}), "ev", e)
	if err != nil {
		t.Fatal(err)
	}
	if raw0 != `"a"` || raw1 != `{"_placeholder":true,"num":0}` || len(att) != 1 || string(att[0]) != "bin" {
		t.Errorf("forwarded %s, %s, %q", raw0, raw1, att)
	}
}

func TestReplies(t *testing.T) {
	t.Parallel()
	timeout := context.DeadlineExceeded
	args := func(raw string) *socketio.Args { return socketio.NewArgs([]byte(raw), nil) }
	all := []*socketio.Args{args(`[1]`), args(`["x"]`), args(`[3]`)}
	decode := func(a *socketio.Args) (int, error) {
		v, err := Int[int](a, 0)
		if err != nil {
			return 0, DecodeFailed("ask", 0, err)
		}
		return v, nil
	}
	got, err := Replies(all, timeout, decode)
	if len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Errorf("replies %v; want [1 3]", got)
	}
	var de *DecodeError
	if !errors.Is(err, timeout) || !errors.As(err, &de) || de.Event != "ask" {
		t.Errorf("error %v; want the timeout and the decode error", err)
	}
	if got, err := Replies(all[:1], nil, decode); err != nil || len(got) != 1 {
		t.Errorf("Replies of one good reply: %v, %v", got, err)
	}
}

func BenchmarkEncodeString(b *testing.B) {
	const s = "hello, <world> \u00e9"
	b.Run("runtime", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 64)
		for b.Loop() {
			buf = AppendString(buf[:0], s)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(s); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkEncodeArgs compares encoding the arguments of one event, a
// struct and two scalars, with an Encoder as a generated emitter does and
// with socketio's encoder as Emit(event, args ...any) does, without
// sending them.
func BenchmarkEncodeArgs(b *testing.B) {
	type message struct {
		Text string `json:"text"`
		Room string `json:"room"`
		Sent int64  `json:"sent"`
	}
	m := message{Text: "hello, world", Room: "lobby", Sent: 1_700_000_000}
	b.Run("typed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			e := NewEncoder()
			e.Next()
			e.BeginObject()
			e.Key(`"text":`)
			e.String(m.Text)
			e.Key(`"room":`)
			e.String(m.Room)
			e.Key(`"sent":`)
			e.Int(m.Sent)
			e.EndObject()
			e.Next()
			e.String("ann")
			e.Next()
			e.Int(42)
			_ = e.finish()
			e.release()
		}
	})
	b.Run("untyped", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := parser.MarshalArgs("chat_message", m, "ann", 42); err != nil {
				b.Fatal(err)
			}
		}
	})
}
