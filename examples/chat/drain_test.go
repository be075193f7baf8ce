package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/examples/chat/chat"
	"github.com/siogo/sio/examples/chat/chatclient"
)

// TestDrainOnStop stops a chat run with -drain 1h and two clients: one is
// closed at once ("transport close", and it would reconnect), the other is
// due in 30 min; meanwhile /healthz answers 503, a new connection is
// refused with 503 and the other client still chats. When it leaves, the
// drain ends and the chat stops cleanly.
func TestDrainOnStop(t *testing.T) {
	bundle := filepath.Join(t.TempDir(), "socket.io.min.js")
	if err := os.WriteFile(bundle, []byte("/* bundle */"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-bundle", bundle, "-drain", "1h"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	listening := make(chan net.Addr, 1)
	stopped := make(chan error, 1)
	go func() { stopped <- run(runCtx, cfg, func(a net.Addr) { listening <- a }) }()
	var url string
	select {
	case a := <-listening:
		url = "http://" + a.String()
	case err := <-stopped:
		t.Fatal(err)
	}

	type user struct {
		mgr  *client.Manager
		chat *chatclient.ChatClient
		gone chan string
	}
	users := make([]user, 2)
	for i, name := range []string{"alice", "bob"} {
		m, err := client.Dial(ctx, url, &client.Options{Transports: []string{client.WebSocket}, DisableReconnection: true})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = m.Close(); <-m.Done() }()
		c := chatclient.NewChatClient(m)
		gone := make(chan string, 1)
		c.Socket().OnDisconnect(func(reason string) { gone <- reason })
		if err := c.Connect(ctx, &chat.Auth{Username: name}); err != nil {
			t.Fatal(err)
		}
		if res, err := c.Join(ctx, "lobby", nil); err != nil || !res.OK {
			t.Fatalf("%s joins: %+v, %v", name, res, err)
		}
		users[i] = user{m, c, gone}
	}

	stop() // SIGTERM
	var left user
	select {
	case r := <-users[0].gone:
		if r != client.ReasonTransportClose {
			t.Errorf("first client closed with %q, want %q", r, client.ReasonTransportClose)
		}
		left = users[1]
	case r := <-users[1].gone:
		if r != client.ReasonTransportClose {
			t.Errorf("first client closed with %q, want %q", r, client.ReasonTransportClose)
		}
		left = users[0]
	case <-ctx.Done():
		t.Fatal("the drain closed no client")
	}

	for _, path := range []string{healthPath, "/socket.io/?EIO=4&transport=polling"} {
		res, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("GET %s during the drain: %d, want 503", path, res.StatusCode)
		}
	}
	if res, err := left.chat.Message(ctx, "lobby", "still here"); err != nil || !res.OK {
		t.Errorf("the client left during the drain: %+v, %v", res, err)
	}

	_ = left.mgr.Close()
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("the chat did not stop once its last client left")
	}
}
