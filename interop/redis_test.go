package interop

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/siogo/sio/internal/redistest"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
)

// redisScenarios are the scenarios js/redis.mjs runs against a cluster of
// three servers, each operation issued from every server in turn.
var redisScenarios = []string{"broadcast", "binary", "except", "acks", "fetch", "join-leave", "server-side-emit", "disconnect"}

// redisOp is what js/redis.mjs asks a server to do with an "op" event.
type redisOp struct {
	Op     string   `json:"op"`
	Rooms  []string `json:"rooms"`
	Except []string `json:"except"`
	Event  string   `json:"event"`
	Arg    string   `json:"arg"`
	Add    []string `json:"add"`
	Close  bool     `json:"close"`
}

// newRedisNode returns a sio server named name using the Redis adapter on
// client, serving js/redis.mjs's "op" requests.
func newRedisNode(name string, client redis.UniversalClient) *socketio.Server {
	return newAdapterNode(name, redisadapter.New(client, nil))
}

// newAdapterNode returns a sio server named name using adapter, serving
// js/redis.mjs's "op" requests.
func newAdapterNode(name string, adapter func(*socketio.Namespace) socketio.Adapter) *socketio.Server {
	return newOpsNode(name, &socketio.Options{Adapter: adapter})
}

// newOpsNode returns a sio server named name with opts, serving
// js/redis.mjs's "op" requests like the Node nodes of js/redis-ops.mjs: it
// answers the server-side "hello" with its name and puts each socket that
// did not recover its rooms in those its auth names (tag, room).
func newOpsNode(name string, opts *socketio.Options) *socketio.Server {
	srv := socketio.NewServer(opts)
	nsp := srv.Of("/")
	nsp.OnServerSideEmit("hello", func(_ context.Context, _ *socketio.Args, ack socketio.AckFunc) {
		if ack != nil {
			_ = ack(name)
		}
	})
	nsp.OnConnection(func(_ context.Context, s *socketio.Socket, auth []byte) error {
		if !s.Recovered() {
			var a struct{ Tag, Room string }
			_ = json.Unmarshal(auth, &a)
			s.SetData(map[string]string{"tag": a.Tag})
			s.Join(a.Tag, a.Room)
		}
		handleRedisOps(nsp, s)
		return nil
	})
	return srv
}

// handleRedisOps answers s's "op" requests (js/redis.mjs's) with
// runRedisOp on nsp: the result, or {"error": ...}.
func handleRedisOps(nsp *socketio.Namespace, s *socketio.Socket) {
	s.On("op", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		var op redisOp
		if err := args.Decode(0, &op); err != nil {
			return err
		}
		res, err := runRedisOp(ctx, nsp, &op)
		if err != nil {
			return ack(map[string]string{"error": err.Error()})
		}
		return ack(res)
	})
}

func runRedisOp(ctx context.Context, nsp *socketio.Namespace, op *redisOp) (any, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	sel := nsp.To(op.Rooms...).Except(op.Except...)
	switch op.Op {
	case "emit":
		return "ok", sel.Emit(op.Event, op.Arg)
	case "emitBinary":
		return "ok", sel.Emit(op.Event, []byte(op.Arg))
	case "emitWithAck":
		resps, err := sel.EmitWithAck(ctx, op.Event)
		out := []string{}
		for _, r := range resps {
			var s string
			_ = r.Decode(0, &s)
			out = append(out, s)
		}
		slices.Sort(out)
		return out, err
	case "emitWithAckBinary":
		resps, err := sel.EmitWithAck(ctx, op.Event)
		out := []string{}
		for _, r := range resps {
			b, _ := r.Binary(0)
			out = append(out, string(b))
		}
		slices.Sort(out)
		return out, err
	case "fetch":
		socks, err := sel.FetchSockets(ctx)
		ids, tags := []string{}, []string{}
		for _, s := range socks {
			ids = append(ids, s.ID)
			var d struct{ Tag string }
			switch v := s.Data.(type) {
			case json.RawMessage:
				_ = json.Unmarshal(v, &d)
			case map[string]string:
				d.Tag = v["tag"]
			}
			tags = append(tags, d.Tag)
		}
		slices.Sort(ids)
		slices.Sort(tags)
		return map[string][]string{"ids": ids, "tags": tags}, err
	case "join":
		return "ok", sel.SocketsJoin(ctx, op.Add...)
	case "leave":
		return "ok", sel.SocketsLeave(ctx, op.Add...)
	case "disconnect":
		return "ok", sel.DisconnectSockets(ctx, op.Close)
	case "sse":
		resps, err := nsp.ServerSideEmitWithAck(ctx, "hello")
		out := []string{}
		for _, r := range resps {
			var s string
			_ = r.Decode(0, &s)
			out = append(out, s)
		}
		slices.Sort(out)
		return out, err
	}
	return nil, fmt.Errorf("unknown op %q", op.Op)
}

// startRedisNode serves a sio node on 127.0.0.1 and stops it at cleanup.
func startRedisNode(t *testing.T, name string, client redis.UniversalClient) string {
	t.Helper()
	return startAdapterNode(t, newRedisNode(name, client))
}

// startAdapterNode serves srv on 127.0.0.1 and stops it at cleanup.
func startAdapterNode(t *testing.T, srv *socketio.Server) string {
	t.Helper()
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.Close()
	})
	return hs.URL
}

// startReadyNode serves srv like startAdapterNode, then starts its
// namespace "/" and waits until its cluster adapter is ready (its
// subscriptions confirmed, its stream read).
func startReadyNode(t *testing.T, name string, srv *socketio.Server) string {
	t.Helper()
	url := startAdapterNode(t, srv)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := srv.Of("/").Start(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.Of("/").Adapter().(interface{ Ready() <-chan struct{} }).Ready():
	case <-ctx.Done():
		t.Fatalf("%s: adapter not ready", name)
	}
	return url
}

// checkRedisScenarios runs js/redis.mjs against urls and checks that
// every scenario passed.
func checkRedisScenarios(t *testing.T, mode string, urls []string, want ...string) {
	if want == nil {
		want = redisScenarios
	}
	t.Helper()
	lines := runNode(t, "redis.mjs", append([]string{mode}, urls...)...)
	var ran []string
	for _, line := range lines {
		var r struct {
			Scenario string `json:"scenario"`
			OK       bool   `json:"ok"`
			Error    string `json:"error"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Errorf("bad output line %q", line)
			continue
		}
		ran = append(ran, r.Scenario)
		if !r.OK {
			t.Errorf("%s: %s", r.Scenario, r.Error)
		}
	}
	if !slices.Equal(ran, want) {
		t.Errorf("scenarios run: %v, want %v", ran, want)
	}
}

// TestRedisCluster runs the cluster scenarios on three sio nodes sharing a
// Redis, one socket.io-client on each.
func TestRedisCluster(t *testing.T) {
	testRedisCluster(t, func(t *testing.T, name, _ string, client redis.UniversalClient) string {
		return startRedisNode(t, name, client)
	})
}

// TestRedisMixedCluster runs the same scenarios on two sio nodes and a
// Node.js socket.io 4.8.4 server with @socket.io/redis-adapter 8.3.0.
func TestRedisMixedCluster(t *testing.T) {
	testRedisCluster(t, func(t *testing.T, name, addr string, _ redis.UniversalClient) string {
		return startNodeServer(t, "redis-node-server.mjs", name, "redis://"+addr)
	})
}

// testRedisCluster runs the cluster scenarios, over each transport mode, on
// three nodes sharing a fresh Redis: sio nodes s0 and s2, and s1 started by
// middle (given the Redis address and a client for it).
func testRedisCluster(t *testing.T, middle func(t *testing.T, name, addr string, client redis.UniversalClient) string) {
	requireNode(t)
	for _, mode := range []string{"polling", "websocket", "upgrade"} {
		t.Run(mode, func(t *testing.T) {
			addr := startRedis(t)
			client := redis.NewClient(&redis.Options{Addr: addr})
			t.Cleanup(func() { _ = client.Close() })
			urls := []string{
				startRedisNode(t, "s0", client),
				middle(t, "s1", addr, client),
				startRedisNode(t, "s2", client),
			}
			checkRedisScenarios(t, mode, urls)
		})
	}
}

// startRedis starts a redis-server on a free loopback port for the test and
// returns its address.
func startRedis(t *testing.T) string { return redistest.Start(t).Addr }

// redisControl lets js/redis.mjs stop (/stop) and start (/start) Redis.
type redisControl struct{ srv *redistest.Server }

func (c redisControl) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	switch req.URL.Path {
	case "/stop":
		c.srv.Stop()
	case "/start":
		if err := c.srv.Run(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	default:
		http.NotFound(w, req)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

// TestRedisRestart kills Redis under two sio nodes with clients connected:
// nothing crashes, local delivery goes on meanwhile, and once Redis is back
// cross-node broadcasts resume, each delivered exactly once.
func TestRedisRestart(t *testing.T) {
	requireNode(t)
	r := redistest.Start(t)
	client := redis.NewClient(&redis.Options{Addr: r.Addr})
	t.Cleanup(func() { _ = client.Close() })
	ctrl := httptest.NewServer(redisControl{r})
	t.Cleanup(ctrl.Close)
	t.Setenv("REDIS_CONTROL", ctrl.URL)
	urls := []string{
		startRedisNode(t, "s0", client),
		startRedisNode(t, "s1", client),
		startRedisNode(t, "s2", client),
	}
	checkRedisScenarios(t, "websocket", urls, "broadcast", "redis-restart", "broadcast", "server-side-emit")
}
