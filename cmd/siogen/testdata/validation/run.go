package main

// run.go drives the generated dispatchers and connect functions of Strict
// and Hooked with valid and invalid values: the handler runs only for valid
// ones, a failure is a *DecodeError whose cause is a *ValidationError
// (without a hook: returned, no acknowledgement; with one: the hook gets it
// and answers), and a panicking Validate panics out of the dispatcher, as a
// handler's panic does, for socketio to recover.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	sioruntime "github.com/siogo/sio/runtime"
	"github.com/siogo/sio/socketio"
)

// describe prints err with what errors.Is/As say about it.
func describe(err error) string {
	if err == nil {
		return "err=<nil>"
	}
	de, _ := errors.AsType[*sioruntime.DecodeError](err)
	where := ""
	if de != nil {
		where = fmt.Sprintf(" event=%q arg=%d", de.Event, de.Arg)
	}
	return fmt.Sprintf("err=%q decode=%t invalid=%t%s", err, errors.Is(err, sioruntime.ErrDecode), errors.Is(err, sioruntime.ErrInvalid), where)
}

func main() {
	ctx := context.Background()
	var log strings.Builder
	var acks []string
	ack := func(args ...any) error {
		b, _, err := socketio.MarshalAck(args...)
		if err != nil {
			return err
		}
		acks = append(acks, string(b))
		return nil
	}
	flush := func() {
		for _, l := range strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n") {
			if l != "" {
				fmt.Println("\tcalled:", l)
			}
		}
		for _, a := range acks {
			fmt.Println("\tack:", a)
		}
		log.Reset()
		acks = nil
	}
	dispatch := func(d socketio.Dispatcher, event, args string, withAck bool, attachments ...[]byte) {
		var a socketio.AckFunc
		if withAck {
			a = ack
		}
		fmt.Printf("%s %s ack=%t:\n", event, args, withAck)
		func() {
			defer func() {
				if r := recover(); r != nil {
					fmt.Printf("\tpanicked: %v\n", r)
				}
			}()
			err := d.Dispatch(ctx, nil, event, socketio.NewArgs([]byte(args), attachments), a)
			fmt.Println("\t" + describe(err))
		}()
		flush()
	}

	fmt.Println("== Strict (no DecodeError hook)")
	strict := _sio_Strict_spec.Dispatcher(&Strict{log: &log})
	for _, tc := range []struct {
		event, args string
		ack         bool
	}{
		{StrictRenameEvent, `["ann"]`, true},
		{StrictRenameEvent, `[""]`, true},
		{StrictRenameEvent, `[""]`, false},
		{StrictRenameEvent, `[null]`, true},
		{StrictRenameEvent, `[5]`, true},
		{StrictMoveEvent, `[{"X":0.25,"Y":0.75}]`, false},
		{StrictMoveEvent, `[{"X":2,"Y":0}]`, false},
		{StrictMaybeEvent, `[]`, true},
		{StrictMaybeEvent, `[null]`, true},
		{StrictMaybeEvent, `[{"X":0.55,"Y":0}]`, true},
		{StrictMaybeEvent, `[{"X":-1,"Y":0}]`, true},
		{StrictTagsEvent, `[1]`, false},
		{StrictTagsEvent, `[2,"a","b"]`, false},
		{StrictTagsEvent, `[3,"a","","c"]`, false},
		{StrictTagsEvent, `[3,"a",7,""]`, false},
		{StrictPointsEvent, `[{"X":0.11,"Y":0.99},null,{"X":1,"Y":1}]`, false},
		{StrictPointsEvent, `[null,{"X":0,"Y":5}]`, false},
		{StrictCheckedEvent, `[{"Name":"x","note":"n"}]`, false},
		{StrictCheckedEvent, `[{"note":"n"}]`, false},
		{StrictLooseEvent, `[{}]`, false},
		{StrictBoomEvent, `[{"text":"t"}]`, true},
	} {
		dispatch(strict, tc.event, tc.args, tc.ack)
	}
	// A binary attachment is validated as the second argument.
	placeholder := `{"_placeholder":true,"num":0}`
	dispatch(strict, StrictUploadEvent, `["f",`+placeholder+`]`, false, []byte("abcd"))
	dispatch(strict, StrictUploadEvent, `["f",`+placeholder+`]`, false, []byte("abcde"))
	dispatch(strict, StrictUploadEvent, `["",`+placeholder+`]`, false, []byte("abcde"))

	fmt.Println("== Hooked (DecodeError hook)")
	hooked := _sio_Hooked_spec.Dispatcher(&Hooked{log: &log})
	for _, tc := range []struct {
		event, args string
		ack         bool
	}{
		{HookedRenameEvent, `["bob"]`, true},
		{HookedRenameEvent, `[""]`, true},
		{HookedRenameEvent, `[""]`, false},
		{HookedRenameEvent, `[{}]`, true},
		{HookedMaybeEvent, `[{"X":9,"Y":9}]`, false},
		{HookedMaybeEvent, `[null]`, false},
		{HookedBoomEvent, `[{"text":"t"}]`, true},
	} {
		dispatch(hooked, tc.event, tc.args, tc.ack)
	}

	fmt.Println("== Connect")
	for _, tc := range []struct {
		name string
		fn   func(ctx context.Context, auth []byte) error
	}{
		{"strict", func(ctx context.Context, auth []byte) error {
			return _sio_Strict_spec.Connect(&Strict{log: &log}, ctx, nil, auth)
		}},
		{"hooked", func(ctx context.Context, auth []byte) error {
			return _sio_Hooked_spec.Connect(&Hooked{log: &log}, ctx, nil, auth)
		}},
	} {
		for _, auth := range []string{"", `null`, `{"token":"t"}`, `{"token":""}`, `{"token":5}`, `{"token":"panic"}`} {
			var raw []byte
			if auth != "" {
				raw = []byte(auth)
			}
			fmt.Printf("%s %q:\n", tc.name, auth)
			func() {
				defer func() {
					if r := recover(); r != nil {
						fmt.Printf("\tpanicked: %v\n", r)
					}
				}()
				fmt.Println("\t" + describe(tc.fn(ctx, raw)))
			}()
			flush()
		}
	}
}
