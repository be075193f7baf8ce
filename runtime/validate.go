package runtime

import (
	"errors"
	"strings"
)

// ErrInvalid is wrapped by every [*ValidationError]: errors.Is(err,
// ErrInvalid) tells a value that decoded but failed its Validate method from
// one that did not decode (errors.Is(err, ErrDecode) holds for both).
var ErrInvalid = errors.New("sio: invalid")

// ValidationError is the cause (the Err field) of a [*DecodeError] for an
// event argument or auth payload that decoded into a type with a
// Validate() error method, and whose Validate returned an error: the
// generated code then follows the decode-error policy, so the handler is
// not called. The *DecodeError around it names the event and the argument.
//
// A hook tells the two failures apart with errors.As:
//
//	var ve *sioruntime.ValidationError
//	if errors.As(err, &ve) { ... ve.Err is what Validate returned ... }
type ValidationError struct {
	// Err is the error the Validate method returned (never nil).
	Err error
}

// Error returns "sio: invalid: " and Validate's message.
func (e *ValidationError) Error() string {
	return "sio: invalid: " + e.cause()
}

// cause returns Validate's message without a "sio: " prefix.
func (e *ValidationError) cause() string {
	if e.Err == nil {
		return "<nil>"
	}
	return strings.TrimPrefix(e.Err.Error(), "sio: ")
}

// Unwrap returns the error Validate returned, so that errors.Is and
// errors.As reach it.
func (e *ValidationError) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Invalid returns nil for a nil err, and err wrapped in a [*ValidationError]
// otherwise. Generated code passes it what a Validate method returned, and
// hands a non-nil result to [DecodeFailed] (or the consumer's DecodeError
// hook), as it does a decode error:
//
//	if _sio_err := sioruntime.Invalid(_sio_a0.Validate()); _sio_err != nil {
//		return sioruntime.DecodeFailed(_sio_event, 0, _sio_err)
//	}
//
// A Validate that panics is not recovered here: the panic leaves the
// dispatcher (or the connect function) as a handler's panic does, and
// socketio recovers and logs it.
func Invalid(err error) error {
	if err == nil {
		return nil
	}
	return &ValidationError{Err: err}
}
