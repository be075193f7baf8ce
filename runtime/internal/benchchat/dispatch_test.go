package benchchat

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"go.uber.org/goleak"

	"github.com/siogo/sio/socketio"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// reflectDispatcher is the peer the generated dispatcher is measured against:
// the way a reflection-based Socket.IO library dispatches, looking the
// handler up by name, decoding each argument with encoding/json into a
// reflect.New value and calling the method with reflect.Value.Call.
type reflectDispatcher struct {
	recv    reflect.Value
	methods map[string]reflect.Value
}

func newReflectDispatcher(c any) *reflectDispatcher {
	d := &reflectDispatcher{recv: reflect.ValueOf(c), methods: map[string]reflect.Value{}}
	t := d.recv.Type()
	for i := range t.NumMethod() {
		m := t.Method(i)
		name, ok := strings.CutPrefix(m.Name, "Event")
		if !ok || name == "" {
			continue
		}
		var b strings.Builder
		for j, r := range name {
			if j > 0 && unicode.IsUpper(r) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		}
		d.methods[b.String()] = d.recv.Method(i)
	}
	return d
}

var (
	ctxType = reflect.TypeFor[context.Context]()
	errType = reflect.TypeFor[error]()
)

func (d *reflectDispatcher) Dispatch(ctx context.Context, s *socketio.Socket, event string, args *socketio.Args, ack socketio.AckFunc) error {
	m, ok := d.methods[event]
	if !ok {
		return socketio.ErrUnknownEvent
	}
	t := m.Type()
	in := make([]reflect.Value, t.NumIn())
	in[0] = reflect.ValueOf(ctx)
	in[1] = reflect.ValueOf(s)
	for i := 2; i < t.NumIn(); i++ {
		pt := t.In(i)
		if pt.Kind() == reflect.Func {
			if ack == nil {
				in[i] = reflect.Zero(pt)
				continue
			}
			in[i] = reflect.MakeFunc(pt, func(vals []reflect.Value) []reflect.Value {
				as := make([]any, len(vals))
				for j, v := range vals {
					as[j] = v.Interface()
				}
				err := ack(as...)
				ev := reflect.New(errType).Elem()
				if err != nil {
					ev.Set(reflect.ValueOf(err))
				}
				return []reflect.Value{ev}
			})
			continue
		}
		v := reflect.New(pt)
		if err := args.Decode(i-2, v.Interface()); err != nil {
			return err
		}
		in[i] = v.Elem()
	}
	out := m.Call(in)
	if err, _ := out[0].Interface().(error); err != nil {
		return err
	}
	return nil
}

var _ = ctxType

func dispatchers() []struct {
	name string
	make func(*Chat) socketio.Dispatcher
} {
	return []struct {
		name string
		make func(*Chat) socketio.Dispatcher
	}{
		{"generated", Dispatcher},
		{"reflect", func(c *Chat) socketio.Dispatcher { return newReflectDispatcher(c) }},
	}
}

// TestDispatchersAgree checks that both dispatchers deliver the same thing,
// so that the benchmark compares equal work.
func TestDispatchersAgree(t *testing.T) {
	for _, d := range dispatchers() {
		t.Run(d.name, func(t *testing.T) {
			c := &Chat{}
			disp := d.make(c)
			var acked []string
			ack := func(args ...any) error {
				b, _, err := socketio.MarshalAck(args...)
				acked = append(acked, string(b))
				return err
			}
			ctx := context.Background()
			if err := disp.Dispatch(ctx, nil, ChatChatMessageEvent, socketio.NewArgs([]byte(`[{"text":"hi","room":"lobby"}]`), nil), ack); err != nil {
				t.Fatal(err)
			}
			if err := disp.Dispatch(ctx, nil, ChatMoveEvent, socketio.NewArgs([]byte(`[1.5,2]`), nil), nil); err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("%d %s %v %v", c.Messages, c.LastText, c.Moves, acked)
			if want := `1 hi 3.5 [[{"status":"ok"}]]`; got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

// BenchmarkDispatch decodes and dispatches ["chat_message",{"text":"hi","room":"lobby"}]
// (the event name already split off, as the packet parser does) through the
// generated dispatcher and through the reflection-based peer.
func BenchmarkDispatch(b *testing.B) {
	events := []struct {
		name, event, args string
	}{
		{"chat_message", ChatChatMessageEvent, `[{"text":"hi","room":"lobby"}]`},
		{"move", ChatMoveEvent, `[1.5,-2]`},
	}
	for _, ev := range events {
		for _, d := range dispatchers() {
			b.Run(ev.name+"/"+d.name, func(b *testing.B) {
				c := &Chat{}
				disp := d.make(c)
				tmpl := *socketio.NewArgs([]byte(ev.args), nil)
				ctx := context.Background()
				args := new(socketio.Args)
				b.ReportAllocs()
				for b.Loop() {
					*args = tmpl // unsplit, so every iteration splits and decodes
					if err := disp.Dispatch(ctx, nil, ev.event, args, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
