package emitter_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio/redisadapter/emitter"
)

// xaddLog is a redis.UniversalClient that records the entries added; a
// streams emitter calls nothing but XAdd.
type xaddLog struct {
	redis.UniversalClient
	mu      sync.Mutex // guards entries
	entries []string   // "stream maxlen approx field=value ..."
}

func (x *xaddLog) XAdd(ctx context.Context, a *redis.XAddArgs) *redis.StringCmd {
	fields, _ := a.Values.([]string)
	var kv []string
	for i := 0; i+1 < len(fields); i += 2 {
		kv = append(kv, fields[i]+"="+fields[i+1])
	}
	x.mu.Lock()
	x.entries = append(x.entries, fmt.Sprintf("%s %d %t %s", a.Stream, a.MaxLen, a.Approx, strings.Join(kv, " ")))
	x.mu.Unlock()
	cmd := redis.NewStringCmd(ctx, "xadd", a.Stream)
	cmd.SetVal("1-0")
	return cmd
}

func (x *xaddLog) take() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	e := x.entries
	x.entries = nil
	return e
}

// TestStreamsEntries checks the entries NewStreams' emitter adds: the
// namespace's stream (Node's hash of its name with several streams), XADD
// MAXLEN ~ MaxLen, and the fields a streams server writes (uid, nsp, type,
// data; data the JSON of the message's data, or base64 msgpack when it
// carries binary).
func TestStreamsEntries(t *testing.T) {
	ctx := context.Background()
	def, many := &xaddLog{}, &xaddLog{}
	d := emitter.NewStreams(def, nil)
	m := emitter.NewStreams(many, &emitter.StreamsOptions{StreamName: "s", StreamCount: 4, MaxLen: 50})
	tests := []struct {
		name string
		log  *xaddLog
		call func() error
		want string
	}{
		{"defaults", def, func() error { return d.Emit(ctx, "ev", "x") },
			`socket.io 10000 true uid=emitter nsp=/ type=3 data={"packet":{"type":2,"data":["ev","x"]},"opts":{"rooms":[],"except":[],"flags":{}}}`},
		{"rooms except volatile", def, func() error { return d.To("r1", "r2").Except("x").Volatile().Emit(ctx, "ev") },
			`socket.io 10000 true uid=emitter nsp=/ type=3 data={"packet":{"type":2,"data":["ev"]},"opts":{"rooms":["r1","r2"],"except":["x"],"flags":{"volatile":true}}}`},
		{"binary", def, func() error { return d.Emit(ctx, "b", []byte{1}) },
			`socket.io 10000 true uid=emitter nsp=/ type=3 data=gqRvcHRzg6Vyb29tc5CmZXhjZXB0kKVmbGFnc4CmcGFja2V0gqR0eXBlAqRkYXRhkqFixAEB`},
		{"namespace stream", many, func() error { return m.Of("admin").Emit(ctx, "ev") },
			`s-0 50 true uid=emitter nsp=/admin type=3 data={"packet":{"type":2,"data":["ev"]},"opts":{"rooms":[],"except":[],"flags":{}}}`},
		{"negative hash", many, func() error { return m.Of("/ünïcödé").SocketsJoin(ctx, "g") },
			`s--2 50 true uid=emitter nsp=/ünïcödé type=4 data={"opts":{"rooms":[],"except":[],"flags":{}},"rooms":["g"]}`},
		{"leave", many, func() error { return m.In("a").SocketsLeave(ctx) },
			`s-3 50 true uid=emitter nsp=/ type=5 data={"opts":{"rooms":["a"],"except":[],"flags":{}},"rooms":[]}`},
		{"disconnect", many, func() error { return m.Of("/chat").DisconnectSockets(ctx, true) },
			`s-3 50 true uid=emitter nsp=/chat type=6 data={"opts":{"rooms":[],"except":[],"flags":{}},"close":true}`},
		{"server-side", many, func() error { return m.ServerSideEmit(ctx, "note", 1) },
			`s-3 50 true uid=emitter nsp=/ type=9 data={"packet":["note",1]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); err != nil {
				t.Fatal(err)
			}
			if got := tc.log.take(); !slices.Equal(got, []string{tc.want}) {
				t.Errorf("added\n %q\nwant\n %q", got, tc.want)
			}
		})
	}
	// Refused calls add nothing.
	if err := d.ServerSideEmit(ctx, "note", []byte{1}); err == nil {
		t.Error("binary ServerSideEmit accepted")
	}
	if err := d.Emit(ctx, "connect"); err == nil {
		t.Error("reserved event accepted")
	}
	if got := def.take(); len(got) != 0 {
		t.Errorf("refused calls added %q", got)
	}
}
