package tracing_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/tracing"
)

const wait = 20 * time.Second

const (
	authTrace  = "0af7651916cd43dd8448eb211c80319c"
	authSpan   = "b7ad6b7169203331"
	eventTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	eventSpan  = "00f067aa0ba902b7"
)

// attrs returns the span's attributes as a map.
func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

// TestSpans runs events over each transport and checks the spans: their
// parents (the handshake's traceparent, an event's own, the event span for
// the handler's spans and acknowledgements), attributes and status.
func TestSpans(t *testing.T) {
	modes := []struct {
		name       string
		transports []string
	}{
		{"polling", []string{client.Polling}},
		{"websocket", []string{client.WebSocket}},
		{"upgrade", nil},
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			defer cancel()
			sr := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
			io := socketio.NewServer(&socketio.Options{
				Logger:   slog.New(slog.DiscardHandler),
				Observer: tracing.Observer(&tracing.Options{TracerProvider: tp}),
			})
			texts := make(chan string, 1)
			io.OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
				s.On("chat", func(ctx context.Context, _ *socketio.Socket, a *socketio.Args, ack socketio.AckFunc) error {
					var msg struct{ Text string }
					if err := a.Decode(0, &msg); err != nil {
						return err
					}
					texts <- msg.Text
					_, child := tp.Tracer("app").Start(ctx, "store")
					child.End()
					return ack()
				})
				s.On("plain", func(_ context.Context, _ *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
					return ack()
				})
				s.On("fail", func(context.Context, *socketio.Socket, *socketio.Args, socketio.AckFunc) error {
					return errors.New("failed")
				})
				s.On("boom", func(context.Context, *socketio.Socket, *socketio.Args, socketio.AckFunc) error { panic("boom") })
				s.On("ask", func(ctx context.Context, s *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
					if _, err := s.EmitWithAck(ctx, "question"); err != nil {
						return err
					}
					short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
					defer cancel()
					_, _ = s.EmitWithAck(short, "ignored")
					return ack()
				})
				return nil
			})
			hs := httptest.NewServer(io)
			defer func() {
				hs.Close()
				sctx, cancel := context.WithTimeout(context.Background(), wait)
				defer cancel()
				_ = io.Shutdown(sctx)
			}()
			mgr, err := client.Dial(ctx, hs.URL, &client.Options{Transports: mode.transports})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = mgr.Close(); <-mgr.Done() }()
			s := mgr.Socket("/", &client.SocketOptions{Auth: map[string]string{"traceparent": "00-" + authTrace + "-" + authSpan + "-01", "token": "t"}})
			s.On("question", func(e *client.Event) { _ = e.Ack() })
			if err := s.Connect(ctx); err != nil {
				t.Fatal(err)
			}
			for mode.name == "upgrade" && mgr.Transport() != client.WebSocket {
				select {
				case <-ctx.Done():
					t.Fatal("no upgrade")
				case <-time.After(5 * time.Millisecond):
				}
			}
			if _, err := s.EmitWithAck(ctx, "chat", map[string]string{"text": "hi", "traceparent": "00-" + eventTrace + "-" + eventSpan + "-01"}); err != nil {
				t.Fatal(err)
			}
			if got := <-texts; got != "hi" {
				t.Fatalf("handler got %q", got)
			}
			if _, err := s.EmitWithAck(ctx, "plain", map[string]string{"traceparent": "not a traceparent"}); err != nil {
				t.Fatal(err)
			}
			_ = s.Emit("fail")
			_ = s.Emit("boom")
			_ = s.Emit("no handler")
			if _, err := s.EmitWithAck(ctx, "ask"); err != nil {
				t.Fatal(err)
			}
			// chat, store, plain, fail, boom, no handler, ask, 2 acks,
			// 3 acks sent (chat, plain, ask).
			const want = 12
			for len(sr.Ended()) < want {
				select {
				case <-ctx.Done():
					t.Fatalf("%d spans ended, want %d", len(sr.Ended()), want)
				case <-time.After(5 * time.Millisecond):
				}
			}
			byEvent := map[string]sdktrace.ReadOnlySpan{}
			var store sdktrace.ReadOnlySpan
			var acks, acksSent []sdktrace.ReadOnlySpan
			for _, sp := range sr.Ended() {
				switch sp.Name() {
				case tracing.EventSpanName:
					byEvent[attrs(sp)["socketio.event"].AsString()] = sp
				case tracing.AckSpanName:
					acks = append(acks, sp)
				case tracing.AckSentSpanName:
					acksSent = append(acksSent, sp)
				case "store":
					store = sp
				default:
					t.Errorf("unexpected span %q", sp.Name())
				}
			}
			traceID := func(h string) trace.TraceID { id, _ := trace.TraceIDFromHex(h); return id }
			spanID := func(h string) trace.SpanID { id, _ := trace.SpanIDFromHex(h); return id }

			chat := byEvent["chat"]
			if chat == nil {
				t.Fatal("no span for chat")
			}
			if chat.Parent().TraceID() != traceID(eventTrace) || chat.Parent().SpanID() != spanID(eventSpan) || !chat.Parent().IsRemote() {
				t.Errorf("chat's parent %v, want the event's traceparent", chat.Parent())
			}
			got := map[string]string{}
			for k, v := range attrs(chat) {
				got[string(k)] = v.String()
			}
			wantAttrs := map[string]string{"messaging.system": "socket.io", "socketio.namespace": "/", "socketio.event": "chat", "socketio.socket.id": s.ID(), "network.transport": mgr.Transport()}
			if d := cmp.Diff(wantAttrs, got); d != "" {
				t.Errorf("chat span attributes (-want +got):\n%s", d)
			}
			if chat.SpanKind() != trace.SpanKindServer || chat.Status().Code != codes.Unset {
				t.Errorf("chat kind %v status %v", chat.SpanKind(), chat.Status())
			}
			if store == nil || store.Parent().SpanID() != chat.SpanContext().SpanID() {
				t.Errorf("the handler's span is not a child of the event's")
			}
			for _, ev := range []string{"plain", "fail", "boom", "no handler", "ask"} {
				sp := byEvent[ev]
				if sp == nil {
					t.Fatalf("no span for %s", ev)
				}
				if sp.Parent().TraceID() != traceID(authTrace) || sp.Parent().SpanID() != spanID(authSpan) {
					t.Errorf("%s's parent %v, want the handshake's traceparent", ev, sp.Parent())
				}
			}
			for ev, want := range map[string]codes.Code{"plain": codes.Unset, "fail": codes.Error, "boom": codes.Error, "no handler": codes.Unset, "ask": codes.Unset} {
				if got := byEvent[ev].Status().Code; got != want {
					t.Errorf("%s status %v, want %v", ev, got, want)
				}
			}
			if !attrs(byEvent["boom"])["socketio.panic"].AsBool() {
				t.Error("boom: no socketio.panic attribute")
			}
			if !attrs(byEvent["no handler"])["socketio.unknown_event"].AsBool() {
				t.Error("no handler: no socketio.unknown_event attribute")
			}
			if len(acks) != 2 {
				t.Fatalf("%d ack spans, want 2", len(acks))
			}
			ask := byEvent["ask"].SpanContext()
			var statuses []codes.Code
			for _, sp := range acks {
				if sp.Parent().SpanID() != ask.SpanID() || sp.SpanContext().TraceID() != ask.TraceID() {
					t.Errorf("ack span parent %v, want the ask event's span", sp.Parent())
				}
				statuses = append(statuses, sp.Status().Code)
			}
			if statuses[0] != codes.Unset || statuses[1] != codes.Error {
				t.Errorf("ack statuses %v, want [Unset Error] (acknowledged, timed out)", statuses)
			}
			// The acknowledgements the handlers sent: children of their
			// events' spans.
			sentFor := map[string]bool{}
			for _, sp := range acksSent {
				ev := attrs(sp)["socketio.event"].AsString()
				sentFor[ev] = true
				if parent := byEvent[ev]; parent == nil || sp.Parent().SpanID() != parent.SpanContext().SpanID() {
					t.Errorf("%q span of %s: parent %v, want the event's span", tracing.AckSentSpanName, ev, sp.Parent())
				}
				if sp.SpanKind() != trace.SpanKindProducer {
					t.Errorf("%q span of %s: kind %v", tracing.AckSentSpanName, ev, sp.SpanKind())
				}
			}
			if d := cmp.Diff(map[string]bool{"chat": true, "plain": true, "ask": true}, sentFor); d != "" {
				t.Errorf("acknowledgements sent (-want +got):\n%s", d)
			}
		})
	}
}

// TestRootSpans checks that a socket without trace context gets root spans.
func TestRootSpans(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	io := socketio.NewServer(&socketio.Options{Observer: tracing.Observer(&tracing.Options{TracerProvider: tp})})
	io.OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
		s.On("e", func(_ context.Context, _ *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
			return ack()
		})
		return nil
	})
	hs := httptest.NewServer(io)
	defer func() {
		hs.Close()
		_ = io.Shutdown(ctx)
	}()
	mgr, err := client.Dial(ctx, hs.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = mgr.Close(); <-mgr.Done() }()
	s := mgr.Socket("/", nil)
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EmitWithAck(ctx, "e", map[string]string{"tracestate": "x=y"}); err != nil {
		t.Fatal(err)
	}
	var event sdktrace.ReadOnlySpan
	for event == nil {
		for _, sp := range sr.Ended() {
			if sp.Name() == tracing.EventSpanName {
				event = sp
			}
		}
		select {
		case <-ctx.Done():
			t.Fatal("no event span")
		case <-time.After(5 * time.Millisecond):
		}
	}
	if p := event.Parent(); p.IsValid() {
		t.Errorf("parent %v, want none", p)
	}
}
