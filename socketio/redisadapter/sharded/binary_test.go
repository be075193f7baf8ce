package sharded_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
)

// TestBinaryGoToGo: binary crosses between two sio servers in every
// message type that carries it: a broadcast's arguments, the clients'
// acks of a broadcast with acks, and socket data fetched from the other
// server ([]byte data travels as JSON, base64, and decodes back into a
// []byte).
func TestBinaryGoToGo(t *testing.T) {
	for _, mode := range []sharded.SubscriptionMode{sharded.Static, sharded.Dynamic} {
		t.Run(string(mode), func(t *testing.T) {
			rs := redistest.Start(t)
			rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
			t.Cleanup(func() { _ = rc.Close() })
			a := startNode(t, rc, &sharded.Options{SubscriptionMode: mode})
			b := startNode(t, rc, &sharded.Options{SubscriptionMode: mode})
			b.srv.Of("/").OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
				s.SetData(struct {
					Bin []byte `json:"bin"`
				}{[]byte{0, 1, 0xfe}})
				return nil
			})
			c := dial(t, b)
			bins := make(chan []byte, 1)
			c.On("bin", func(e *client.Event) {
				got, err := e.Args.Binary(1)
				if err != nil {
					t.Error(err)
				}
				bins <- got
			})
			c.On("askBin", func(e *client.Event) { _ = e.Ack([]byte("ack-bin")) })
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()

			if err := a.srv.Of("/").Emit("bin", "x", []byte{1, 2, 3}); err != nil {
				t.Fatal(err)
			}
			select {
			case got := <-bins:
				if !bytes.Equal(got, []byte{1, 2, 3}) {
					t.Errorf("broadcast binary = %v", got)
				}
			case <-ctx.Done():
				t.Fatal("binary broadcast not received")
			}

			acks, err := a.srv.Of("/").EmitWithAck(ctx, "askBin")
			if err != nil || len(acks) != 1 {
				t.Fatalf("acks %v, %v; want one", acks, err)
			}
			if got, err := acks[0].Binary(0); err != nil || string(got) != "ack-bin" {
				t.Errorf("binary ack = %q, %v", got, err)
			}

			socks, err := a.srv.Of("/").FetchSockets(ctx)
			if err != nil || len(socks) != 1 {
				t.Fatalf("fetched %v, %v; want one socket", socks, err)
			}
			var d struct {
				Bin []byte `json:"bin"`
			}
			if err := json.Unmarshal(socks[0].Data.(json.RawMessage), &d); err != nil || !bytes.Equal(d.Bin, []byte{0, 1, 0xfe}) {
				t.Errorf("socket data %s: %v %v", socks[0].Data, d.Bin, err)
			}
		})
	}
}

// TestBinaryServerSideEmitFromNode publishes what Node's sharded adapter
// publishes for serverSideEmit("sse_bin", Buffer.from([9])) (a recorded
// msgpack message): the sio handler decodes the Buffer into a []byte.
func TestBinaryServerSideEmitFromNode(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "internal", "cluster", "testdata", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs struct {
		Vectors []struct{ Name, Channel, Hex string }
	}
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatal(err)
	}
	var msg []byte
	for _, v := range vs.Vectors {
		if v.Name == "server_side_emit_binary" {
			msg, _ = hex.DecodeString(v.Hex)
		}
	}
	if msg == nil {
		t.Fatal("vector missing")
	}
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	n := startNode(t, rc, nil)
	got := make(chan []byte, 1)
	n.srv.Of("/").OnServerSideEmit("sse_bin", func(_ context.Context, args *socketio.Args, _ socketio.AckFunc) {
		var b []byte
		if err := args.Decode(0, &b); err != nil {
			t.Error(err)
		}
		got <- b
	})
	<-n.srv.Of("/").Adapter().(*sharded.Adapter).Ready()
	if err := rc.SPublish(t.Context(), "socket.io#/#", msg).Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-got:
		if !bytes.Equal(b, []byte{9}) {
			t.Errorf("handler got %v, want [9]", b)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server-side event not handled")
	}
}
