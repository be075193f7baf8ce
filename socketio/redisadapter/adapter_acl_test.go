package redisadapter_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
)

// docACL returns the ACL SETUSER lines of docs/scaling.md, split into
// arguments, and the password each sets, by user.
func docACL(t *testing.T) ([][]string, map[string]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "scaling.md"))
	if err != nil {
		t.Fatal(err)
	}
	var lines [][]string
	passwords := map[string]string{}
	for line := range strings.SplitSeq(string(b), "\n") {
		if !strings.HasPrefix(line, "ACL SETUSER ") {
			continue
		}
		args := strings.Fields(line)
		lines = append(lines, args)
		for _, a := range args[3:] {
			if p, ok := strings.CutPrefix(a, ">"); ok {
				passwords[args[2]] = p
			}
		}
	}
	if len(lines) == 0 {
		t.Fatal("docs/scaling.md has no ACL SETUSER example")
	}
	return lines, passwords
}

// TestScalingDocACL applies the ACL example of docs/scaling.md to a Redis
// and checks it: servers connecting as "sio" work (subscriptions of "/"
// and "/chat", server count, requests and answers), while "app" and
// anonymous clients can neither publish nor subscribe on the adapter's
// channels.
func TestScalingDocACL(t *testing.T) {
	lines, passwords := docACL(t)
	rs := redistest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// An administrative user, as the documentation asks, before default
	// goes off.
	root := redis.NewClient(&redis.Options{Addr: rs.Addr})
	if err := root.Do(ctx, "ACL", "SETUSER", "admin", "on", ">admin", "~*", "&*", "+@all").Err(); err != nil {
		t.Fatal(err)
	}
	_ = root.Close()
	admin := redis.NewClient(&redis.Options{Addr: rs.Addr, Username: "admin", Password: "admin"})
	t.Cleanup(func() { _ = admin.Close() })
	for _, args := range lines {
		cmd := make([]any, len(args))
		for i, a := range args {
			cmd[i] = a
		}
		if err := admin.Do(ctx, cmd...).Err(); err != nil {
			t.Fatalf("%s: %v", strings.Join(args, " "), err)
		}
	}

	sio := redis.NewClient(&redis.Options{Addr: rs.Addr, Username: "sio", Password: passwords["sio"]})
	t.Cleanup(func() { _ = sio.Close() })
	srvs := make([]*socketio.Server, 2)
	for i := range srvs {
		srv := socketio.NewServer(&socketio.Options{Adapter: redisadapter.New(sio, &redisadapter.Options{RequestTimeout: 2 * time.Second})})
		srvs[i] = srv
		t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
		srv.Of("/chat").OnServerSideEmit("who", func(_ context.Context, _ *socketio.Args, ack socketio.AckFunc) {
			if ack != nil {
				_ = ack(i)
			}
		})
	}
	for _, nsp := range []string{"/", "/chat"} {
		t.Run("sio "+nsp, func(t *testing.T) {
			// Every server's subscriptions first: a server counts the
			// others' subscribers.
			for i, srv := range srvs {
				select {
				case <-srv.Of(nsp).Adapter().(*redisadapter.Adapter).Ready():
				case <-ctx.Done():
					t.Fatalf("server %d: subscriptions of %s not confirmed", i, nsp)
				}
			}
			for i, srv := range srvs {
				a := srv.Of(nsp).Adapter().(*redisadapter.Adapter)
				if n, err := a.ServerCount(ctx); err != nil || n != 2 {
					t.Errorf("server %d: ServerCount = %d, %v; want 2", i, n, err)
				}
			}
			if nsp != "/chat" {
				return
			}
			resps, err := srvs[0].Of(nsp).ServerSideEmitWithAck(ctx, "who")
			if err != nil || len(resps) != 1 {
				t.Fatalf("ServerSideEmitWithAck = %v, %v; want one answer", resps, err)
			}
			if err := srvs[0].Of(nsp).To("room").Emit("ev"); err != nil {
				t.Fatal(err)
			}
		})
	}

	others := []struct {
		name   string
		client *redis.Options
	}{
		{"app", &redis.Options{Addr: rs.Addr, Username: "app", Password: passwords["app"]}},
		{"anonymous", &redis.Options{Addr: rs.Addr}},
	}
	for _, o := range others {
		t.Run(o.name, func(t *testing.T) {
			c := redis.NewClient(o.client)
			defer c.Close()
			for _, ch := range []string{"socket.io#/#", "socket.io#/chat#room#", "socket.io-request#/#", "socket.io-response#/#"} {
				if err := c.Publish(ctx, ch, "forged").Err(); err == nil {
					t.Errorf("PUBLISH %s allowed", ch)
				}
				// Subscribe as a plain command: the error is the answer.
				if err := c.Do(ctx, "SUBSCRIBE", ch).Err(); err == nil {
					t.Errorf("SUBSCRIBE %s allowed", ch)
				}
			}
			if err := c.Do(ctx, "PSUBSCRIBE", "socket.io#*").Err(); err == nil {
				t.Error("PSUBSCRIBE socket.io#* allowed")
			}
			if o.name == "app" {
				if err := c.Publish(ctx, "app:news", "x").Err(); err != nil {
					t.Errorf("app cannot use its own channel: %v", err)
				}
			}
		})
	}
}
