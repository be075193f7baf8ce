package runtime

import (
	"errors"
	"io/fs"
	"testing"
)

func TestInvalid(t *testing.T) {
	if err := Invalid(nil); err != nil {
		t.Fatalf("Invalid(nil) = %v, want nil", err)
	}
	cause := &fs.PathError{Op: "check", Path: "name", Err: errors.New("empty")}
	tests := []struct {
		name      string
		err       error
		want      string
		event     string
		arg       int
		isDecode  bool
		isInvalid bool
	}{
		{"argument", DecodeFailed("move", 2, Invalid(cause)), `sio: invalid argument 2 of event "move": check name: empty`, "move", 2, true, true},
		{"auth", DecodeFailed("connect", -1, Invalid(errors.New("token missing"))), "sio: invalid auth payload of connect: token missing", "connect", -1, true, true},
		{"sio prefix dropped", DecodeFailed("x", 0, Invalid(errors.New("sio: twice"))), `sio: invalid argument 0 of event "x": twice`, "x", 0, true, true},
		{"decode error is not invalid", DecodeFailed("move", 0, ErrMissing), `sio: cannot decode argument 0 of event "move": argument missing`, "move", 0, true, false},
		{"alone", Invalid(errors.New("sio: bad")), "sio: invalid: bad", "", 0, false, true},
		{"nil cause", &ValidationError{}, "sio: invalid: <nil>", "", 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if got := errors.Is(tt.err, ErrDecode); got != tt.isDecode {
				t.Errorf("errors.Is(err, ErrDecode) = %t, want %t", got, tt.isDecode)
			}
			if got := errors.Is(tt.err, ErrInvalid); got != tt.isInvalid {
				t.Errorf("errors.Is(err, ErrInvalid) = %t, want %t", got, tt.isInvalid)
			}
			var ve *ValidationError
			if got := errors.As(tt.err, &ve); got != tt.isInvalid {
				t.Errorf("errors.As(err, *ValidationError) = %t, want %t", got, tt.isInvalid)
			}
			var de *DecodeError
			if errors.As(tt.err, &de) != tt.isDecode {
				t.Fatalf("errors.As(err, *DecodeError) = %t, want %t", !tt.isDecode, tt.isDecode)
			}
			if tt.isDecode && (de.Event != tt.event || de.Arg != tt.arg) {
				t.Errorf("DecodeError names %q %d, want %q %d", de.Event, de.Arg, tt.event, tt.arg)
			}
		})
	}
	// The error Validate returned is reachable through both wrappers.
	err := DecodeFailed("move", 2, Invalid(cause))
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe != cause {
		t.Errorf("errors.As does not reach Validate's error through %v", err)
	}
}
