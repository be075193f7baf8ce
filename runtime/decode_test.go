package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"go.uber.org/goleak"

	"github.com/siogo/sio/socketio"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// sameAsJSON checks that decode agrees with encoding/json on raw: both fail,
// or both succeed with the same value.
func sameAsJSON[T comparable](t *testing.T, raw string, decode func([]byte, *T) error) {
	t.Helper()
	var got, want T
	gotErr := decode([]byte(raw), &got)
	wantErr := json.Unmarshal([]byte(raw), &want)
	if (gotErr == nil) != (wantErr == nil) {
		t.Errorf("%T %s: err = %v, encoding/json says %v", got, raw, gotErr, wantErr)
		return
	}
	if gotErr == nil && got != want {
		t.Errorf("%T %s: got %v, encoding/json says %v", got, raw, got, want)
	}
}

var scalarInputs = []string{
	`"hi"`, `""`, `"caf\u00e9"`, `"café"`, `"a\"b"`, `"\ud83d\ude00"`, `"\ud83d"`, "\"\xff\"", "\"a\x01\"", `"\x"`,
	`0`, `-0`, `1`, `-1`, `01`, `1.5`, `-1.5e3`, `1e2`, `1E+2`, `1.`, `.5`, `-`, `+1`, `0x10`, `1_000`,
	`127`, `128`, `-128`, `-129`, `255`, `256`, `65535`, `65536`, `2147483647`, `2147483648`,
	`9223372036854775807`, `9223372036854775808`, `-9223372036854775808`, `18446744073709551615`, `18446744073709551616`,
	`3.4028235e38`, `3.5e38`, `1e309`, `1e-400`, `NaN`, `Infinity`,
	`true`, `false`, `null`, `nul`, `True`, `[]`, `{}`, `[1]`, `{"a":1}`, ``, ` 1`, `1 `,
}

func TestScalarsMatchEncodingJSON(t *testing.T) {
	for _, in := range scalarInputs {
		t.Run(in, func(t *testing.T) {
			sameAsJSON(t, in, DecodeString[string])
			sameAsJSON(t, in, DecodeBool[bool])
			sameAsJSON(t, in, DecodeInt[int])
			sameAsJSON(t, in, DecodeInt[int8])
			sameAsJSON(t, in, DecodeInt[int16])
			sameAsJSON(t, in, DecodeInt[int32])
			sameAsJSON(t, in, DecodeInt[int64])
			sameAsJSON(t, in, DecodeUint[uint])
			sameAsJSON(t, in, DecodeUint[uint8])
			sameAsJSON(t, in, DecodeUint[uint16])
			sameAsJSON(t, in, DecodeUint[uint32])
			sameAsJSON(t, in, DecodeUint[uint64])
			sameAsJSON(t, in, DecodeUint[uintptr])
			sameAsJSON(t, in, DecodeFloat[float32])
			sameAsJSON(t, in, DecodeFloat[float64])
		})
	}
}

type named string

func TestNullLeavesValue(t *testing.T) {
	s := named("kept")
	if err := DecodeString([]byte("null"), &s); err != nil || s != "kept" {
		t.Errorf("DecodeString(null) = %q, %v", s, err)
	}
	n := 7
	if err := DecodeInt([]byte("null"), &n); err != nil || n != 7 {
		t.Errorf("DecodeInt(null) = %d, %v", n, err)
	}
}

func TestPositional(t *testing.T) {
	args := socketio.NewArgs([]byte(`["s", 2, -3, 1.5, true, {"_placeholder":true,"num":0}, {"a":[1]}, null]`), [][]byte{[]byte("bin")})
	tests := []struct {
		name string
		got  func() (any, error)
		want string
	}{
		{"String", func() (any, error) { return String[string](args, 0) }, "s"},
		{"Uint", func() (any, error) { return Uint[uint8](args, 1) }, "2"},
		{"Int", func() (any, error) { return Int[int64](args, 2) }, "-3"},
		{"Float", func() (any, error) { return Float[float32](args, 3) }, "1.5"},
		{"Bool", func() (any, error) { return Bool[bool](args, 4) }, "true"},
		{"Binary", func() (any, error) { b, err := Binary[[]byte](args, 5); return string(b), err }, "bin"},
		{"JSON", func() (any, error) { return JSON[map[string][]int](args, 6) }, "map[a:[1]]"},
		{"RawJSON", func() (any, error) { b, err := RawJSON[json.RawMessage](args, 6); return string(b), err }, `{"a":[1]}`},
		{"null string", func() (any, error) { return String[string](args, 7) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.got()
			if err != nil || fmt.Sprint(got) != tt.want {
				t.Errorf("got %v, %v; want %s", got, err, tt.want)
			}
		})
	}
	if !Present(args, 6) || Present(args, 7) || Present(args, 8) {
		t.Error("Present is wrong")
	}
	if _, err := String[string](args, 8); !errors.Is(err, ErrMissing) {
		t.Errorf("missing argument: err = %v, want ErrMissing", err)
	}
	if _, err := Int[int](args, 0); err == nil {
		t.Error("Int of a string: no error")
	}
	if _, err := Binary[[]byte](args, 0); err == nil {
		t.Error("Binary of a string: no error")
	}
	bad := socketio.NewArgs([]byte(`[1,}`), nil)
	if _, err := Int[int](bad, 0); err == nil || errors.Is(err, ErrMissing) {
		t.Errorf("malformed args: err = %v, want the syntax error", err)
	}
}

func TestRawCopies(t *testing.T) {
	raw := []byte(`{"a":1}`)
	var dst json.RawMessage
	if err := DecodeRaw(raw, &dst); err != nil {
		t.Fatal(err)
	}
	raw[1] = 'X'
	if string(dst) != `{"a":1}` {
		t.Errorf("DecodeRaw aliases its input: %s", dst)
	}
	if !PresentRaw([]byte("{}")) || PresentRaw(nil) || PresentRaw([]byte("null")) {
		t.Error("PresentRaw is wrong")
	}
}

func TestDecodeError(t *testing.T) {
	err := DecodeFailed("move", 1, ErrMissing)
	var de *DecodeError
	if !errors.As(err, &de) || de.Event != "move" || de.Arg != 1 {
		t.Fatalf("errors.As: %v", err)
	}
	if !errors.Is(err, ErrDecode) || !errors.Is(err, ErrMissing) {
		t.Errorf("errors.Is fails for %v", err)
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"missing", err, `sio: cannot decode argument 1 of event "move": argument missing`},
		{"syntax", DecodeFailed("move", 0, fmt.Errorf("%w: x", ErrSyntax)), `sio: cannot decode argument 0 of event "move": malformed JSON: x`},
		{"auth", DecodeFailed("connect", -1, errors.New("x")), "sio: cannot decode the auth payload of connect: x"},
		{"nil cause", DecodeFailed("connect", -1, nil), "sio: cannot decode the auth payload of connect: <nil>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzScalars(f *testing.F) {
	for _, in := range scalarInputs {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sameAsJSON(t, in, DecodeString[string])
		sameAsJSON(t, in, DecodeBool[bool])
		sameAsJSON(t, in, DecodeInt[int16])
		sameAsJSON(t, in, DecodeInt[int64])
		sameAsJSON(t, in, DecodeUint[uint32])
		sameAsJSON(t, in, DecodeFloat[float32])
		sameAsJSON(t, in, DecodeFloat[float64])
	})
}

func BenchmarkDecodeString(b *testing.B) {
	raw := []byte(`"hello, world"`)
	b.Run("runtime", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var s string
			if err := DecodeString(raw, &s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecodeFloat(b *testing.B) {
	raw := []byte(`-1234.5678`)
	b.Run("runtime", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var f float64
			if err := DecodeFloat(raw, &f); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var f float64
			if err := json.Unmarshal(raw, &f); err != nil {
				b.Fatal(err)
			}
		}
	})
}
