package redisadapter_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// cluster starts n sio servers sharing one Redis and returns them with the
// Redis client; everything stops when the test ends.
func cluster(t *testing.T, rs *redistest.Server, n int, opts *redisadapter.Options) ([]*socketio.Server, redis.UniversalClient) {
	t.Helper()
	client := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = client.Close() })
	srvs := make([]*socketio.Server, n)
	for i := range srvs {
		srv := socketio.NewServer(&socketio.Options{Adapter: redisadapter.New(client, opts)})
		// Wait for Redis to confirm the main namespace's subscriptions.
		if err := srv.Of("/").Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		srvs[i] = srv
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
		})
	}
	return srvs, client
}

func adapterOf(t *testing.T, srv *socketio.Server) *redisadapter.Adapter {
	t.Helper()
	a, ok := srv.Of("/").Adapter().(*redisadapter.Adapter)
	if !ok {
		t.Fatalf("adapter is %T", srv.Of("/").Adapter())
	}
	return a
}

func TestServerCount(t *testing.T) {
	rs := redistest.Start(t)
	srvs, _ := cluster(t, rs, 3, nil)
	for i, srv := range srvs {
		n, err := adapterOf(t, srv).ServerCount(context.Background())
		if err != nil || n != 3 {
			t.Errorf("server %d: ServerCount = %d, %v; want 3", i, n, err)
		}
	}
	// A namespace counts only the servers that have it.
	chat := srvs[0].Of("/chat").Adapter()
	if n, err := chat.ServerCount(context.Background()); err != nil || n != 1 {
		t.Errorf("/chat ServerCount = %d, %v; want 1", n, err)
	}
}

func TestServerSideEmit(t *testing.T) {
	rs := redistest.Start(t)
	srvs, _ := cluster(t, rs, 3, nil)
	var mu sync.Mutex
	got := map[int][]string{}
	all := make(chan struct{}, 10)
	for i, srv := range srvs {
		srv.Of("/").OnServerSideEmit("ping", func(_ context.Context, args *socketio.Args, ack socketio.AckFunc) {
			var s string
			_ = args.Decode(0, &s)
			mu.Lock()
			got[i] = append(got[i], s)
			mu.Unlock()
			if ack != nil {
				_ = ack(map[string]int{"server": i})
			}
			all <- struct{}{}
		})
	}
	ctx := context.Background()
	tests := []struct {
		name    string
		withAck bool
	}{{"no ack", false}, {"with ack", true}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			clear(got)
			mu.Unlock()
			if tc.withAck {
				resps, err := srvs[0].Of("/").ServerSideEmitWithAck(ctx, "ping", tc.name)
				if err != nil {
					t.Fatal(err)
				}
				var servers []int
				for _, r := range resps {
					var v struct{ Server int }
					if err := r.Decode(0, &v); err != nil {
						t.Fatal(err)
					}
					servers = append(servers, v.Server)
				}
				slices.Sort(servers)
				if !slices.Equal(servers, []int{1, 2}) {
					t.Errorf("acks from servers %v, want [1 2]", servers)
				}
			} else if err := srvs[0].Of("/").ServerSideEmit(ctx, "ping", tc.name); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				select {
				case <-all:
				case <-time.After(10 * time.Second):
					t.Fatal("server-side event not received")
				}
			}
			// A third delivery (to the sender, or twice) would show up with
			// the next message; probe with a marker round trip.
			if _, err := srvs[0].Of("/").ServerSideEmitWithAck(ctx, "ping", "marker"); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				<-all
			}
			mu.Lock()
			defer mu.Unlock()
			want := map[int][]string{1: {tc.name, "marker"}, 2: {tc.name, "marker"}}
			for i := range 3 {
				if !slices.Equal(got[i], want[i]) {
					t.Errorf("server %d got %q, want %q", i, got[i], want[i])
				}
			}
		})
	}
}

func TestRequestsWithoutSockets(t *testing.T) {
	rs := redistest.Start(t)
	srvs, _ := cluster(t, rs, 3, &redisadapter.Options{PublishOnSpecificResponseChannel: true})
	ctx := context.Background()
	socks, err := srvs[1].FetchSockets(ctx)
	if err != nil || len(socks) != 0 {
		t.Errorf("FetchSockets = %v, %v; want none", socks, err)
	}
	rooms, err := adapterOf(t, srvs[2]).AllRooms(ctx)
	if err != nil || len(rooms) != 0 {
		t.Errorf("AllRooms = %v, %v; want none", rooms, err)
	}
}

// TestNodeRequests plays a Node.js server on the wire: it publishes the
// requests @socket.io/redis-adapter 8.3.0 sends and checks the answers.
func TestNodeRequests(t *testing.T) {
	rs := redistest.Start(t)
	for _, specific := range []bool{false, true} {
		name := map[bool]string{false: "shared", true: "specific"}[specific]
		t.Run(name, func(t *testing.T) {
			srvs, client := cluster(t, rs, 1, &redisadapter.Options{PublishOnSpecificResponseChannel: specific})
			ctx := context.Background()
			srvs[0].Of("/").OnServerSideEmit("hi", func(_ context.Context, args *socketio.Args, ack socketio.AckFunc) {
				_ = ack("hello " + string(args.Raw(0)))
			})
			ch := wire.NewChannels("", "/", "NodeA1")
			respCh := ch.ResponseChannelFor("NodeA1", specific)
			sub := client.Subscribe(ctx, respCh, ch.Response)
			defer sub.Close()
			if _, err := sub.Receive(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := sub.Receive(ctx); err != nil {
				t.Fatal(err)
			}
			// Garbage on every channel is ignored; the requests below are
			// still answered.
			for _, c := range []string{ch.Request, ch.Response, ch.Broadcast, ch.Broadcast + "room#"} {
				if err := client.Publish(ctx, c, "\xc1garbage").Err(); err != nil {
					t.Fatal(err)
				}
			}
			if msg, err := sub.ReceiveMessage(ctx); err != nil || msg.Payload != "\xc1garbage" {
				t.Fatalf("got %v, %v; want the garbage published on the response channel", msg, err)
			}
			bcast, err := wire.EncodeRequest(&wire.Request{
				UID: "NodeA1", RequestID: "r5", Type: wire.Broadcast,
				Packet: &wire.Packet{Type: 2, Nsp: "/", Data: []any{"ev", 1}},
				Opts:   &wire.BroadcastOptions{Flags: &wire.BroadcastFlags{}},
			})
			if err != nil {
				t.Fatal(err)
			}
			tests := []struct {
				req, wantCh, want string
			}{
				{string(bcast), respCh, `{"type":8,"requestId":"r5","clientCount":0}`},
				{`{"uid":"NodeA1","requestId":"r1","type":5,"opts":{"rooms":[],"except":[]}}`, respCh, `{"requestId":"r1","sockets":[]}`},
				{`{"uid":"NodeA1","requestId":"r2","type":1}`, respCh, `{"requestId":"r2","rooms":[]}`},
				{`{"uid":"NodeA1","requestId":"r3","type":0,"rooms":["x"]}`, respCh, `{"requestId":"r3","sockets":[]}`},
				{`{"uid":"NodeA1","requestId":"r4","type":6,"data":["hi",1]}`, ch.Response, `{"type":6,"requestId":"r4","data":"hello 1"}`},
			}
			for _, tc := range tests {
				if err := client.Publish(ctx, ch.Request, tc.req).Err(); err != nil {
					t.Fatal(err)
				}
				rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				msg, err := sub.ReceiveMessage(rctx)
				cancel()
				if err != nil {
					t.Fatalf("%s: %v", tc.req, err)
				}
				if msg.Channel != tc.wantCh || msg.Payload != tc.want {
					t.Errorf("%s:\n got %s %s\nwant %s %s", tc.req, msg.Channel, msg.Payload, tc.wantCh, tc.want)
				}
			}
		})
	}
}

func TestBroadcastWire(t *testing.T) {
	rs := redistest.Start(t)
	srvs, client := cluster(t, rs, 1, nil)
	ctx := context.Background()
	sub := client.PSubscribe(ctx, "socket.io#/#*")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		op          *socketio.BroadcastOperator
		wantChannel string
		wantOpts    wire.BroadcastOptions
	}{
		{"all", srvs[0].Of("/").Except("a", "a"), "socket.io#/#", wire.BroadcastOptions{Except: []string{"a"}}},
		{"one room", srvs[0].To("room1"), "socket.io#/#room1#", wire.BroadcastOptions{Rooms: []string{"room1"}}},
		{"two rooms", srvs[0].To("r1", "r2"), "socket.io#/#", wire.BroadcastOptions{Rooms: []string{"r1", "r2"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.op.Emit("hello", "world", []byte{1, 2}); err != nil {
				t.Fatal(err)
			}
			rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			msg, err := sub.ReceiveMessage(rctx)
			if err != nil {
				t.Fatal(err)
			}
			if msg.Channel != tc.wantChannel {
				t.Errorf("channel %q, want %q", msg.Channel, tc.wantChannel)
			}
			m, err := wire.DecodeBroadcast([]byte(msg.Payload))
			if err != nil {
				t.Fatal(err)
			}
			if m.UID != adapterOf(t, srvs[0]).UID() {
				t.Errorf("uid %q, want the adapter's %q", m.UID, adapterOf(t, srvs[0]).UID())
			}
			data, _ := json.Marshal(m.Packet.Data)
			if string(data) != `["hello","world","AQI="]` || m.Packet.Nsp != "/" || m.Packet.Type != 2 {
				t.Errorf("packet %+v (data %s)", m.Packet, data)
			}
			if !slices.Equal(m.Opts.Rooms, tc.wantOpts.Rooms) || !slices.Equal(m.Opts.Except, tc.wantOpts.Except) {
				t.Errorf("opts %+v, want %+v", m.Opts, tc.wantOpts)
			}
		})
	}
	// Local broadcasts are not published: the next message is the marker.
	if err := srvs[0].Local().Emit("local"); err != nil {
		t.Fatal(err)
	}
	if err := srvs[0].Emit("marker"); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	msg, err := sub.ReceiveMessage(rctx)
	if err != nil {
		t.Fatal(err)
	}
	m, err := wire.DecodeBroadcast([]byte(msg.Payload))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := m.Packet.Data.([]any); len(d) == 0 || d[0] != "marker" {
		t.Errorf("got %v, want the marker", m.Packet.Data)
	}
}

func TestRequestTimeout(t *testing.T) {
	rs := redistest.Start(t)
	srvs, client := cluster(t, rs, 1, &redisadapter.Options{RequestTimeout: 300 * time.Millisecond})
	ctx := context.Background()
	// A silent subscriber counts as a server that never answers.
	silent := client.Subscribe(ctx, "socket.io-request#/#")
	defer silent.Close()
	if _, err := silent.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := srvs[0].FetchSockets(ctx)
	var te *redisadapter.TimeoutError
	if !errors.Is(err, redisadapter.ErrTimeout) || !errors.As(err, &te) || te.Got != 1 || te.Expected != 2 {
		t.Errorf("FetchSockets error = %v, want a timeout with 1 of 2 responses", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
	}
	resps, err := srvs[0].Of("/").ServerSideEmitWithAck(ctx, "x")
	if !errors.Is(err, redisadapter.ErrTimeout) || len(resps) != 0 {
		t.Errorf("ServerSideEmitWithAck = %v, %v; want a timeout", resps, err)
	}
}

// TestRedisRestart kills Redis under a running cluster: nothing crashes,
// local work goes on, and once Redis is back the adapters resubscribe and
// server-side events flow again.
func TestRedisRestart(t *testing.T) {
	rs := redistest.Start(t)
	srvs, _ := cluster(t, rs, 2, nil)
	got := make(chan string, 100)
	srvs[1].Of("/").OnServerSideEmit("ev", func(_ context.Context, args *socketio.Args, _ socketio.AckFunc) {
		var s string
		_ = args.Decode(0, &s)
		got <- s
	})
	ctx := context.Background()
	rs.Stop()
	// Local work does not wait for Redis.
	done := make(chan error, 1)
	go func() { done <- srvs[0].Emit("while-down") }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Emit while Redis is down: %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Emit blocked while Redis is down")
	}
	rs.Restart()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if err := srvs[0].Of("/").ServerSideEmit(ctx, "ev", "after"); err != nil {
			t.Fatal(err)
		}
		select {
		case s := <-got:
			if s != "after" {
				t.Fatalf("got %q", s)
			}
			return
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no server-side event delivered after Redis restarted")
		}
	}
}

func TestCloseFailsPendingRequests(t *testing.T) {
	rs := redistest.Start(t)
	srvs, client := cluster(t, rs, 1, &redisadapter.Options{RequestTimeout: time.Minute})
	ctx := context.Background()
	silent := client.Subscribe(ctx, "socket.io-request#/#")
	defer silent.Close()
	if _, err := silent.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	a := adapterOf(t, srvs[0])
	errc := make(chan error, 1)
	go func() {
		_, err := a.FetchSockets(ctx, &socketio.BroadcastOptions{})
		errc <- err
	}()
	// The request is pending once the silent subscriber has seen it.
	if _, err := silent.ReceiveMessage(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, redisadapter.ErrClosed) {
		t.Errorf("FetchSockets after Close: %v, want ErrClosed", err)
	}
	if _, err := a.ServerSideEmit(ctx, []byte(`["x"]`), false); !errors.Is(err, redisadapter.ErrClosed) {
		t.Errorf("ServerSideEmit after Close: %v, want ErrClosed", err)
	}
}
