package emitter_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio/redisadapter/emitter"
)

// publishLog is a redis.UniversalClient that records what is published;
// the emitter calls nothing but Publish.
type publishLog struct {
	redis.UniversalClient
	mu   sync.Mutex // guards msgs
	msgs []string   // "channel payload-length"
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
