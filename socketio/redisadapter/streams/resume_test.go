package streams_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestReaderResumes kills the servers' XREAD connections, then broadcasts:
// each reader reconnects and reads on from the last entry it had, so the
// entries added meanwhile all arrive, in order.
func TestReaderResumes(t *testing.T) {
	_, rc := newRedis(t)
	a := startNode(t, "A", rc, nil, nil)
	b := startNode(t, "B", rc, nil, nil)
	p := dialPeer(t, b, "c", "red", []string{"websocket"}, nil)
	ctx := t.Context()
	list, err := rc.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	killed := 0
	for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
		if !strings.Contains(line, "cmd=xread") {
			continue
		}
		id := strings.TrimPrefix(strings.Fields(line)[0], "id=")
		if err := rc.Do(ctx, "CLIENT", "KILL", "ID", id).Err(); err != nil {
			t.Fatal(err)
		}
		killed++
	}
	if killed != 2 {
		t.Fatalf("killed %d XREAD connections, want 2 (one per server)", killed)
	}
	var want []string
	for i := range 5 {
		if err := a.srv.To("red").Emit("e", fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprint("e:", i))
	}
	if err := a.srv.Emit("end", "x"); err != nil {
		t.Fatal(err)
	}
	check(t, "after the readers were killed", p.waitFor(t, "end:x"), want)
}

// TestRedisRestart restarts Redis (empty) under two servers: once it is
// back, broadcasts and requests cross servers again.
func TestRedisRestart(t *testing.T) {
	rs, rc := newRedis(t)
	a := startNode(t, "A", rc, nil, nil)
	b := startNode(t, "B", rc, nil, nil)
	p := dialPeer(t, b, "c", "red", []string{"websocket"}, nil)
	rs.Restart()
	deadline := time.Now().Add(30 * time.Second)
	for k := 0; ; k++ {
		_ = a.srv.Emit("up", fmt.Sprint(k))
		time.Sleep(100 * time.Millisecond)
		p.mu.Lock()
		up := len(p.events) > 0
		p.mu.Unlock()
		if up {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("broadcasts did not resume after Redis restarted")
		}
	}
	for {
		resps, err := a.srv.Of("/").ServerSideEmitWithAck(t.Context(), "hello")
		if err == nil && len(resps) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server-side emit after restart: %v, %v", resps, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
