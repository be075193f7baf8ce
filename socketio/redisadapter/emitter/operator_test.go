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

// publishLog is a redis.UniversalClient that records what is published
// and the stream entries added; the emitter calls nothing but Publish
// (New) and XAdd (NewStreams).
type publishLog struct {
	redis.UniversalClient
	mu   sync.Mutex // guards msgs
	msgs []string   // "channel payload-length", or "stream maxlen approx field=value ..."
}

func (p *publishLog) Publish(ctx context.Context, channel string, message any) *redis.IntCmd {
	b, _ := message.([]byte)
	p.mu.Lock()
	p.msgs = append(p.msgs, fmt.Sprintf("%s %d", channel, len(b)))
	p.mu.Unlock()
	cmd := redis.NewIntCmd(ctx, "publish", channel, message)
	cmd.SetVal(0)
	return cmd
}

func (p *publishLog) XAdd(ctx context.Context, a *redis.XAddArgs) *redis.StringCmd {
	fields, _ := a.Values.([]string)
	var kv []string
	for i := 0; i+1 < len(fields); i += 2 {
		kv = append(kv, fields[i]+"="+fields[i+1])
	}
	p.mu.Lock()
	p.msgs = append(p.msgs, fmt.Sprintf("%s %d %t %s", a.Stream, a.MaxLen, a.Approx, strings.Join(kv, " ")))
	p.mu.Unlock()
	cmd := redis.NewStringCmd(ctx, "xadd", a.Stream)
	cmd.SetVal("1-0")
	return cmd
}

func (p *publishLog) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.msgs
	p.msgs = nil
	return m
}

// TestOperatorsImmutable checks that deriving an operator leaves the one it
// came from unchanged: the channel a broadcast goes to shows its rooms.
func TestOperatorsImmutable(t *testing.T) {
	pl := &publishLog{}
	e := emitter.New(pl, &emitter.Options{Key: "k"})
	ctx := context.Background()
	base := e.To("a")
	_ = base.To("b")
	_ = base.Except("c").Volatile()
	chat := e.Of("chat")
	_ = chat.Of("/other")
	tests := []struct {
		name    string
		emit    func() error
		channel string
	}{
		{"base keeps one room", func() error { return base.Emit(ctx, "ev") }, "k#/#a#"},
		{"derived has two", func() error { return base.To("b").Emit(ctx, "ev") }, "k#/#"},
		{"repeated room is one", func() error { return base.To("a").Emit(ctx, "ev") }, "k#/#a#"},
		{"emitter has none", func() error { return e.Emit(ctx, "ev") }, "k#/#"},
		{"namespace kept", func() error { return chat.To("r").Emit(ctx, "ev") }, "k#/chat#r#"},
		{"request channel", func() error { return chat.SocketsJoin(ctx, "x") }, "k-request#/chat#"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.emit(); err != nil {
				t.Fatal(err)
			}
			got := pl.take()
			if len(got) != 1 || got[0][:len(tc.channel)+1] != tc.channel+" " {
				t.Errorf("published %q, want one message on %q", got, tc.channel)
			}
		})
	}
	if chat.Namespace() != "/chat" || e.Namespace() != "/" || e.Of("").Namespace() != "/" {
		t.Errorf("namespaces %q %q %q", chat.Namespace(), e.Namespace(), e.Of("").Namespace())
	}
}

// TestConcurrentUse shares one emitter and operator among goroutines
// (run with -race): every call publishes exactly one message.
func TestConcurrentUse(t *testing.T) {
	pl := &publishLog{}
	e := emitter.New(pl, nil)
	op := e.To("r")
	ctx := context.Background()
	const workers, calls = 8, 50
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				room := fmt.Sprint("w", w, "-", i)
				var err error
				switch i % 3 {
				case 0:
					err = op.To(room).Volatile().Emit(ctx, "ev", i, []byte{byte(i)})
				case 1:
					err = op.Except(room).Compress(false).SocketsJoin(ctx, room)
				default:
					err = e.Of(room).ServerSideEmit(ctx, "ev", i)
				}
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	got := pl.take()
	if len(got) != workers*calls {
		t.Fatalf("%d messages, want %d", len(got), workers*calls)
	}
	// op itself still targets "r" alone.
	_ = op.Emit(ctx, "ev")
	if got := pl.take(); len(got) != 1 || got[0][:len("socket.io#/#r# ")] != "socket.io#/#r# " {
		t.Errorf("op published %q", got)
	}
}

// TestStreamsEntries checks the entries NewStreams' emitter adds: the
// namespace's stream (Node's hash of its name with several streams), XADD
// MAXLEN ~ MaxLen, and the fields a streams server writes (uid, nsp, type,
// data; data the JSON of the message's data, or base64 msgpack when it
// carries binary).
func TestStreamsEntries(t *testing.T) {
	ctx := context.Background()
	def, many := &publishLog{}, &publishLog{}
	d := emitter.NewStreams(def, nil)
	m := emitter.NewStreams(many, &emitter.StreamsOptions{StreamName: "s", StreamCount: 4, MaxLen: 50})
	tests := []struct {
		name string
		log  *publishLog
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
