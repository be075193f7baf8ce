package typed_test

// typed_test.go starts a real socketio.Server with the generated server
// code and drives it with the generated typed client (typedclient), over
// long-polling and WebSocket: acknowledgements both ways, binary
// attachments, optional and variadic arguments, raw JSON, a refused and an
// accepted auth payload, a dynamic namespace.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/siogo/sio/client"
	typed "github.com/siogo/sio/cmd/siogen/testdata/client_typed"
	"github.com/siogo/sio/cmd/siogen/testdata/client_typed/typedclient"
	"github.com/siogo/sio/socketio"
)

// recv returns the next value of ch, failing the test after a while.
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out")
	}
	panic("unreachable")
}

func TestTypedClient(t *testing.T) {
	srv := socketio.NewServer(nil)
	typed.RegisterChat(srv, func() *typed.Chat { return &typed.Chat{} })
	typed.RegisterRoom(srv, func() *typed.Room { return &typed.Room{} })
	typed.RegisterPlain(srv, func() *typed.Plain { return &typed.Plain{} })
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		hs.Close()
	})

	for _, transport := range []string{client.Polling, client.WebSocket} {
		t.Run(transport, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			m, err := client.Dial(ctx, hs.URL, &client.Options{Transports: []string{transport}, DisableReconnection: true})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			c := typedclient.NewChatClient(m)
			errs := make(chan error, 10)
			c.OnError(func(err error) { errs <- err })

			// The auth payload: refused, then accepted.
			var ce *client.ConnectError
			if err := c.Connect(ctx, typed.Auth{Token: "wrong"}); !errors.As(err, &ce) || ce.Message != "bad token" {
				t.Fatalf("Connect with a bad token = %v, want the ConnectError \"bad token\"", err)
			}
			if err := c.Connect(ctx, typed.Auth{Token: "secret", User: "ann"}); err != nil {
				t.Fatalf("Connect: %v", err)
			}

			// Client to server, acknowledged with a struct.
			st, err := c.Send(ctx, typed.Message{Text: "héllo"})
			if err != nil || st != (typed.Status{Stored: true, Length: len("héllo")}) {
				t.Errorf("Send = %+v, %v", st, err)
			}

			// Fire-and-forget, with and without the optional argument; the
			// server answers with Echo.
			type echo struct {
				msg typed.Message
				n   *int
			}
			echoes := make(chan echo, 2)
			c.OnEcho(func(msg typed.Message, n *int) { echoes <- echo{msg, n} })
			seven := 7
			if err := c.Note("one", &seven); err != nil {
				t.Fatal(err)
			}
			if err := c.Note("two", nil); err != nil {
				t.Fatal(err)
			}
			if e := recv(t, echoes); e.msg != (typed.Message{Text: "one", From: "ann"}) || e.n == nil || *e.n != 7 {
				t.Errorf("first Echo = %+v (n %v)", e.msg, e.n)
			}
			if e := recv(t, echoes); e.msg.Text != "two" || e.n != nil {
				t.Errorf("second Echo = %+v (n %v), want no n", e.msg, e.n)
			}

			// Binary attachments both ways, the optional one present and
			// absent.
			type file struct {
				name      string
				data      []byte
				blob      typed.Blob
				opt       *[]byte
				optAbsent bool
			}
			files := make(chan file, 2)
			c.OnFile(func(name string, data []byte, blob typed.Blob, opt *[]byte) {
				files <- file{name: name, data: data, blob: blob, opt: opt}
			})
			thumb := []byte{0, 1, 2}
			for _, tt := range []struct {
				name  string
				thumb *[]byte
			}{{"with", &thumb}, {"without", nil}} {
				n, blob, back, err := c.Upload(ctx, tt.name, []byte("data\x00"), typed.Blob{0xff, 0xfe}, tt.thumb)
				if err != nil || n != 7 || !bytes.Equal(blob, []byte{0xff, 0xfe}) || (back == nil) != (tt.thumb == nil) || (back != nil && !bytes.Equal(*back, thumb)) {
					t.Errorf("Upload %s = %d, %v, %v, %v", tt.name, n, blob, back, err)
				}
				f := recv(t, files)
				if f.name != map[string]string{"with": "WITH", "without": "WITHOUT"}[tt.name] || string(f.data) != "data\x00" || !bytes.Equal(f.blob, []byte{0xff, 0xfe}) || (f.opt == nil) != (tt.thumb == nil) {
					t.Errorf("File after Upload %s = %+v", tt.name, f)
				}
			}

			// Raw JSON both ways.
			raws := make(chan json.RawMessage, 1)
			c.OnRaw(func(raw json.RawMessage) { raws <- raw })
			got, err := c.Raw(ctx, json.RawMessage(`[1,{"a":null}]`))
			if err != nil || string(got) != `{"got":[1,{"a":null}]}` {
				t.Errorf("Raw = %s, %v", got, err)
			}
			if raw := recv(t, raws); string(raw) != `[1,{"a":null}]` {
				t.Errorf("OnRaw got %s", raw)
			}

			// A variadic tail both ways.
			type many struct {
				first int
				tags  []string
			}
			manies := make(chan many, 2)
			c.OnMany(func(first int, tags ...string) { manies <- many{first, tags} })
			if err := c.Tags(1, "a", "b"); err != nil {
				t.Fatal(err)
			}
			if err := c.Tags(5); err != nil {
				t.Fatal(err)
			}
			if m := recv(t, manies); m.first != 3 || !slices.Equal(m.tags, []string{"a", "b"}) {
				t.Errorf("Many = %+v", m)
			}
			if m := recv(t, manies); m.first != 5 || len(m.tags) != 0 {
				t.Errorf("Many = %+v", m)
			}

			// The server asks, the client's handlers answer: their results
			// are the acknowledgements.
			c.OnAsk(func(q typed.Question) (typed.Answer, error) {
				return typed.Answer{Choice: len(q.Choices) + 10}, nil
			})
			note := "maybe"
			c.OnPoll(func(q string) (int, *string, error) { return len(q), &note, nil })
			pinged := make(chan bool, 1)
			c.OnPing(func() error { pinged <- true; return nil })
			a, choice, gotNote, err := c.Quiz(ctx, "quiz?", 20000)
			if err != nil || a.Choice != 12 || choice != 5 || gotNote == nil || *gotNote != "maybe" {
				t.Errorf("Quiz = %+v, %d, %v, %v", a, choice, gotNote, err)
			}
			recv(t, pinged)

			// A handler's error sends no acknowledgement: the server's wait
			// ends with its context (100 ms), and OnError gets the error.
			c.OnAsk(func(q typed.Question) (typed.Answer, error) { return typed.Answer{}, errors.New("no answer") })
			if _, choice, note, err := c.Quiz(ctx, "again", 100); err != nil || choice != -1 || note == nil || !strings.Contains(*note, "deadline exceeded") {
				t.Errorf("Quiz with a failing OnAsk = %d, %v, %v; want -1 and the server's timeout", choice, note, err)
			}
			if err := recv(t, errs); err.Error() != `handler of "ask": no answer` {
				t.Errorf("OnError got %v", err)
			}

			// Acknowledgements without arguments, and untyped.
			if err := c.Done(ctx); err != nil {
				t.Errorf("Done = %v", err)
			}
			args, err := c.Untyped(ctx, 21)
			var two string
			if err != nil || args.Len() != 2 || string(args.Raw(0)) != "42" || args.Decode(1, &two) != nil || two != "two" {
				t.Errorf("Untyped = %v, %v", args, err)
			}

			// A dynamic namespace: the constructor takes its name.
			room := typedclient.NewRoomClient(m, "/room-42")
			if err := room.Connect(ctx); err != nil {
				t.Fatal(err)
			}
			if name, err := room.Where(ctx); err != nil || name != "/room-42" {
				t.Errorf("Where = %q, %v", name, err)
			}
			// Raw auth bytes, sent as the JSON text they hold, and an
			// event without arguments both ways.
			plain := typedclient.NewPlainClient(m)
			if err := plain.Connect(ctx, []byte(`{"k":[1,2]}`)); err != nil {
				t.Fatal(err)
			}
			if text, err := plain.Auth(ctx); err != nil || text != `{"k":[1,2]}` {
				t.Errorf("Auth = %q, %v", text, err)
			}
			ticks := make(chan bool, 1)
			plain.OnTick(func() { ticks <- true })
			if err := plain.Tick(); err != nil {
				t.Fatal(err)
			}
			recv(t, ticks)

			select {
			case err := <-errs:
				t.Errorf("unexpected error: %v", err)
			default:
			}
		})
	}
}
