package interop

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio/redisadapter/emitter"
)

// recordingRedis is a redis.UniversalClient whose Publish records the
// channel and message instead of sending them; the emitter calls nothing
// else.
type recordingRedis struct {
	redis.UniversalClient
	mu      sync.Mutex // guards channel and msg
	channel string
	msg     []byte
}

func (r *recordingRedis) Publish(ctx context.Context, channel string, message any) *redis.IntCmd {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.channel = channel
	switch m := message.(type) {
	case []byte:
		r.msg = slices.Clone(m)
	case string:
		r.msg = []byte(m)
	default:
		panic(fmt.Sprintf("Publish of %T", message))
	}
	cmd := redis.NewIntCmd(ctx, "publish", channel, message)
	cmd.SetVal(0)
	return cmd
}

// emitterOp is one call on an emitter, run by both the Go emitter and
// js/redis-emitter.mjs (which documents the fields).
type emitterOp struct {
	Name   string          `json:"name"`
	Key    string          `json:"key,omitempty"`
	Nsp    string          `json:"nsp,omitempty"`
	To     []string        `json:"to,omitempty"`
	Except []string        `json:"except,omitempty"`
	Flags  [][]any         `json:"flags,omitempty"`
	Action string          `json:"action"`
	Event  string          `json:"event,omitempty"`
	Args   json.RawMessage `json:"args,omitempty"`
	Rooms  []string        `json:"rooms,omitempty"`
	Close  bool            `json:"close,omitempty"`
}

// reviveArgs decodes op args as the Node script does: {"$bin": HEX} is
// binary ([]byte). Objects become map[string]any, written with sorted keys,
// so the ops' objects list their keys sorted.
func reviveArgs(t *testing.T, raw json.RawMessage) []any {
	t.Helper()
	if raw == nil {
		return nil
	}
	var args []any
	if err := json.Unmarshal(raw, &args); err != nil {
		t.Fatal(err)
	}
	var revive func(v any) any
	revive = func(v any) any {
		switch v := v.(type) {
		case []any:
			for i := range v {
				v[i] = revive(v[i])
			}
		case map[string]any:
			if h, ok := v["$bin"].(string); ok && len(v) == 1 {
				b, err := hex.DecodeString(h)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			for k := range v {
				v[k] = revive(v[k])
			}
		}
		return v
	}
	for i := range args {
		args[i] = revive(args[i])
	}
	return args
}

func runEmitterOp(t *testing.T, rc redis.UniversalClient, op emitterOp) error {
	ctx := context.Background()
	e := emitter.New(rc, &emitter.Options{Key: op.Key}) // "" is the default key
	if op.Nsp != "" {
		e = e.Of(op.Nsp)
	}
	sel := e.To(op.To...).Except(op.Except...)
	for _, f := range op.Flags {
		if f[0] == "volatile" {
			sel = sel.Volatile()
		} else {
			sel = sel.Compress(f[1].(bool))
		}
	}
	args := reviveArgs(t, op.Args)
	switch op.Action {
	case "emit":
		return sel.Emit(ctx, op.Event, args...)
	case "join":
		return sel.SocketsJoin(ctx, op.Rooms...)
	case "leave":
		return sel.SocketsLeave(ctx, op.Rooms...)
	case "disconnect":
		return sel.DisconnectSockets(ctx, op.Close)
	case "sse":
		return e.ServerSideEmit(ctx, op.Event, args...)
	}
	return fmt.Errorf("unknown action %q", op.Action)
}

// TestRedisEmitterBytes runs the same calls on the Go emitter and on Node's
// @socket.io/redis-emitter 5.1.0 and compares what each publishes, channel
// and bytes.
func TestRedisEmitterBytes(t *testing.T) {
	requireNode(t)
	ops := []emitterOp{
		{Name: "all", Action: "emit", Event: "ev", Args: json.RawMessage(`["x",1,-2.5,true,null,{"a":[1,"b"],"z":{}}]`)},
		{Name: "no args", Action: "emit", Event: "ev"},
		{Name: "one room", To: []string{"r1"}, Action: "emit", Event: "ev", Args: json.RawMessage(`["x"]`)},
		{Name: "two rooms, repeated", To: []string{"r1", "r2", "r1"}, Action: "emit", Event: "ev"},
		{Name: "except", Except: []string{"r1", "r1", "id-1"}, Action: "emit", Event: "ev"},
		{Name: "room and except", To: []string{"r2"}, Except: []string{"r1"}, Action: "emit", Event: "ev"},
		{Name: "volatile", Flags: [][]any{{"volatile"}}, Action: "emit", Event: "ev"},
		{Name: "compress false", Flags: [][]any{{"compress", false}}, Action: "emit", Event: "ev"},
		{Name: "compress then volatile", To: []string{"r"}, Flags: [][]any{{"compress", true}, {"volatile"}, {"compress", false}}, Action: "emit", Event: "ev"},
		{Name: "volatile then compress", Flags: [][]any{{"volatile"}, {"compress", true}}, Action: "emit", Event: "ev"},
		{Name: "binary", Action: "emit", Event: "bin", Args: json.RawMessage(`[{"$bin":"010203"},"s",{"$bin":""}]`)},
		{Name: "nested binary", To: []string{"r"}, Action: "emit", Event: "bin", Args: json.RawMessage(`[{"k":[{"$bin":"ff"}],"n":1}]`)},
		{Name: "long strings", Action: "emit", Event: strings.Repeat("e", 40), Args: json.RawMessage(`["` + strings.Repeat("é", 200) + `",4294967296,65536,-129]`)},
		{Name: "other namespace", Nsp: "/chat", Action: "emit", Event: "ev"},
		{Name: "namespace without slash", Nsp: "chat", To: []string{"r"}, Action: "emit", Event: "ev"},
		{Name: "socketsJoin", Action: "join", Rooms: []string{"a", "b"}},
		{Name: "socketsJoin selected", Nsp: "/chat", To: []string{"r1"}, Except: []string{"r2"}, Action: "join", Rooms: []string{"a"}},
		{Name: "socketsLeave", To: []string{"r1", "r2"}, Action: "leave", Rooms: []string{"a"}},
		{Name: "disconnectSockets", Action: "disconnect"},
		{Name: "disconnectSockets close", Except: []string{"r"}, Action: "disconnect", Close: true},
		{Name: "serverSideEmit", Action: "sse", Event: "ping", Args: json.RawMessage(`["a",{"b":[1,2.5]},null]`)},
		{Name: "custom key", Key: "app", Nsp: "/chat", To: []string{"r"}, Action: "emit", Event: "ev"},
		{Name: "custom key request", Key: "app", Action: "disconnect"},
		{Name: "serverSideEmit no args", Nsp: "/chat", Action: "sse", Event: "ping"},
	}
	js, err := json.Marshal(ops)
	if err != nil {
		t.Fatal(err)
	}
	lines := runNode(t, "redis-emitter.mjs", string(js))
	if len(lines) != len(ops) {
		t.Fatalf("node printed %d lines for %d ops: %q", len(lines), len(ops), lines)
	}
	rr := &recordingRedis{}
	for i, op := range ops {
		t.Run(op.Name, func(t *testing.T) {
			var want struct{ Name, Channel, Hex string }
			if err := json.Unmarshal([]byte(lines[i]), &want); err != nil || want.Name != op.Name {
				t.Fatalf("node line %q (%v), want op %q", lines[i], err, op.Name)
			}
			if err := runEmitterOp(t, rr, op); err != nil {
				t.Fatal(err)
			}
			rr.mu.Lock()
			channel, got := rr.channel, hex.EncodeToString(rr.msg)
			rr.mu.Unlock()
			if channel != want.Channel {
				t.Errorf("channel %q, Node's %q", channel, want.Channel)
			}
			if got != want.Hex {
				t.Errorf("message\n %s\nNode's\n %s", got, want.Hex)
			}
		})
	}
}
