package interop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
)

// The reverse-proxy configurations of docs/operations.md, tested as the
// documentation shows them: each file under docs/proxy/ listens on
// proxyListen and forwards to two sio nodes on proxyNode1 and proxyNode2.
// The test reads the file, replaces these three addresses (which must all
// appear in it) by the free ports it uses, and wraps it with what a test
// needs and a deployment sets elsewhere (file paths, nginx's http block,
// Caddy's admin endpoint off).
const (
	proxyListen = "127.0.0.1:8080"
	proxyNode1  = "127.0.0.1:8000"
	proxyNode2  = "127.0.0.1:8001"
)

// proxyStartTimeout bounds how long a proxy may take to accept connections.
const proxyStartTimeout = 15 * time.Second

// proxyScenarios are what js/proxy-client.mjs checks in each mode.
var proxyScenarios = []string{"sticky", "transport", "forwarded-for", "ack-to-server", "ack-to-client", "binary", "broadcast"}

// proxyCase is one proxy: the Debian package that has it, its executable,
// its documented configuration, and how to run it with that configuration
// (conf, with the addresses replaced) in dir.
type proxyCase struct {
	name    string
	pkg     string
	bin     string
	file    string
	command func(t *testing.T, bin, dir, conf string) *exec.Cmd
}

var proxyCases = []proxyCase{
	{
		name: "nginx", pkg: "nginx", bin: "nginx", file: "nginx.conf",
		command: func(t *testing.T, bin, dir, conf string) *exec.Cmd {
			// docs/proxy/nginx.conf is an http-context file (conf.d/);
			// the main file around it keeps everything in dir, in one
			// process in the foreground.
			writeFile(t, filepath.Join(dir, "sio.conf"), conf)
			main := fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    include %[1]s/sio.conf;
}
`, dir)
			writeFile(t, filepath.Join(dir, "nginx.conf"), main)
			return exec.Command(bin, "-e", "stderr", "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
		},
	},
	{
		name: "haproxy", pkg: "haproxy", bin: "haproxy", file: "haproxy.cfg",
		command: func(t *testing.T, bin, dir, conf string) *exec.Cmd {
			path := filepath.Join(dir, "haproxy.cfg")
			writeFile(t, path, conf)
			return exec.Command(bin, "-db", "-f", path) // -db: foreground
		},
	},
	{
		name: "caddy", pkg: "caddy", bin: "caddy", file: "Caddyfile",
		command: func(t *testing.T, bin, dir, conf string) *exec.Cmd {
			// The admin endpoint (localhost:2019) is off so that
			// parallel runs do not collide; Caddy's state goes to dir.
			path := filepath.Join(dir, "Caddyfile")
			writeFile(t, path, "{\n\tadmin off\n}\n\n"+conf)
			cmd := exec.Command(bin, "run", "--adapter", "caddyfile", "--config", path)
			cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
			return cmd
		},
	},
}

// TestProxies runs socket.io-client through each documented proxy
// configuration in front of two sio nodes sharing a Redis: over polling,
// WebSocket and the upgrade, each client sticks to its node, sees its own
// address in X-Forwarded-For, exchanges acks both ways and binary, and
// receives the broadcasts of both nodes.
func TestProxies(t *testing.T) {
	requireNode(t)
	redistest.Require(t)
	for _, pc := range proxyCases {
		t.Run(pc.name, func(t *testing.T) {
			bin := requireProxy(t, pc)
			r := redistest.Start(t)
			client := redis.NewClient(&redis.Options{Addr: r.Addr})
			t.Cleanup(func() { _ = client.Close() })
			node1 := strings.TrimPrefix(startAdapterNode(t, newProxiedNode("s1", client)), "http://")
			node2 := strings.TrimPrefix(startAdapterNode(t, newProxiedNode("s2", client)), "http://")
			addr := startProxy(t, pc, bin, node1, node2, nil)
			checkScenarios(t, runNode(t, "proxy-client.mjs", "http://"+addr), proxyModeScenarios())
		})
	}
}

// proxyModeScenarios lists every scenario of every transport mode, as
// js/proxy-client.mjs names them.
func proxyModeScenarios() []string {
	var all []string
	for _, mode := range []string{"polling", "websocket", "upgrade"} {
		for _, sc := range proxyScenarios {
			all = append(all, mode+"/"+sc)
		}
	}
	return all
}

// requireProxy returns the path of pc's executable; a missing one skips the
// test, or fails it when CI=true (`make deps` installs it).
func requireProxy(t *testing.T, pc proxyCase) string {
	t.Helper()
	bin, err := exec.LookPath(pc.bin)
	if err == nil {
		return bin
	}
	for _, dir := range []string{"/usr/sbin", "/sbin"} { // not on a user's PATH
		if p := filepath.Join(dir, pc.bin); fileExists(p) {
			return p
		}
	}
	msg := fmt.Sprintf("%s is not installed (make proxy-deps, or apt-get install %s)", pc.bin, pc.pkg)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// newProxiedNode returns a sio node named name on the Redis adapter that
// answers js/proxy-client.mjs: "whoami" (node, X-Forwarded-For, transport),
// "echo" (the argument, JSON or binary), "ask" (asks the client "question"
// with an ack and returns its answer) and "shout" (broadcasts "news" to
// every client of every node).
func newProxiedNode(name string, client redis.UniversalClient) *socketio.Server {
	srv := socketio.NewServer(&socketio.Options{Adapter: redisadapter.New(client, nil)})
	nsp := srv.Of("/")
	nsp.OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
		s.On("whoami", func(_ context.Context, s *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
			return ack(map[string]string{
				"node":      name,
				"xff":       s.Handshake().Headers.Get("X-Forwarded-For"),
				"transport": s.Transport(),
			})
		})
		s.On("echo", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			if b, err := args.Binary(0); err == nil {
				return ack(b)
			}
			return ack(args.Raw(0))
		})
		s.On("ask", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			var q string
			if err := args.Decode(0, &q); err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			resp, err := s.EmitWithAck(ctx, "question", q)
			if err != nil {
				return ack("error: " + err.Error())
			}
			var answer string
			if err := resp.Decode(0, &answer); err != nil {
				return err
			}
			return ack(answer)
		})
		s.On("shout", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			var text string
			if err := args.Decode(0, &text); err != nil {
				return err
			}
			if err := nsp.Emit("news", text); err != nil {
				return ack("error: " + err.Error())
			}
			return ack("ok")
		})
		return nil
	})
	return srv
}

// startProxy runs pc's documented configuration (changed by edit, unless
// nil) in front of node1 and node2 on a free loopback port, waits until it
// accepts connections, and stops it at cleanup. It returns the proxy's
// host:port.
func startProxy(t *testing.T, pc proxyCase, bin, node1, node2 string, edit func(string) string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "docs", "proxy", pc.file))
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	conf, err := fillProxyConfig(string(raw), map[string]string{proxyListen: addr, proxyNode1: node1, proxyNode2: node2})
	if err != nil {
		t.Fatalf("docs/proxy/%s: %v", pc.file, err)
	}
	if edit != nil {
		conf = edit(conf)
	}
	dir := t.TempDir()
	cmd := pc.command(t, bin, dir, conf)
	var out lockedBuffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", pc.name, out.String())
		}
	})
	deadline := time.Now().Add(proxyStartTimeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
			return addr
		}
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			t.Fatalf("%s exited before accepting connections: %v\n%s", pc.name, err, out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not accept connections on %s after %v\n%s", pc.name, addr, proxyStartTimeout, out.String())
		}
	}
}

// fillProxyConfig replaces each key of addrs in conf by its value; a key
// that does not appear is an error (the documented file and the test would
// have drifted apart).
func fillProxyConfig(conf string, addrs map[string]string) (string, error) {
	var missing, pairs []string
	for from, to := range addrs {
		if !strings.Contains(conf, from) {
			missing = append(missing, from)
		}
		pairs = append(pairs, from, to)
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return "", fmt.Errorf("address(es) %v not found: the configuration must listen on %s and forward to %s and %s", missing, proxyListen, proxyNode1, proxyNode2)
	}
	// One pass: a replacement is never replaced again.
	return strings.NewReplacer(pairs...).Replace(conf), nil
}

// TestProxyReadTimeout shows what docs/troubleshooting.md says of a proxy
// whose read timeout is shorter than the ping interval: nginx as
// documented (proxy_read_timeout 60s) keeps clients connected across
// several pings; with proxy_read_timeout 1s in front of a server pinging
// every 3 s, it cuts the waiting GET (the polling client reports
// "transport error") and the quiet WebSocket ("transport close").
func TestProxyReadTimeout(t *testing.T) {
	requireNode(t)
	pc := proxyCases[0]
	if pc.name != "nginx" {
		t.Fatalf("proxyCases[0] is %s, want nginx", pc.name)
	}
	bin := requireProxy(t, pc)
	tests := []struct {
		name         string
		pingInterval time.Duration
		readTimeout  string // replaces the documented 60s
		waitMS       string
		want         map[string]any
	}{
		{"documented", time.Second, "60s", "2500", map[string]any{"polling": nil, "websocket": nil}},
		{"shorter than pingInterval", 3 * time.Second, "1s", "10000", map[string]any{"polling": "transport error", "websocket": "transport close"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := socketio.NewServer(&socketio.Options{Engine: &engineio.Options{PingInterval: tt.pingInterval}})
			node := strings.TrimPrefix(startAdapterNode(t, srv), "http://")
			addr := startProxy(t, pc, bin, node, node, func(conf string) string {
				const documented = "proxy_read_timeout 60s;"
				if !strings.Contains(conf, documented) {
					t.Fatalf("docs/proxy/nginx.conf has no %q", documented)
				}
				return strings.ReplaceAll(conf, documented, "proxy_read_timeout "+tt.readTimeout+";")
			})
			got := map[string]any{}
			for _, line := range runNode(t, "proxy-timeout.mjs", "http://"+addr, tt.waitMS) {
				var r struct {
					Mode   string `json:"mode"`
					Reason any    `json:"reason"`
				}
				if err := json.Unmarshal([]byte(line), &r); err != nil {
					t.Fatalf("node printed %q: %v", line, err)
				}
				got[r.Mode] = r.Reason
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("disconnect reasons %v, want %v", got, tt.want)
			}
		})
	}
}

// TestFillProxyConfig checks the address substitution of the proxy tests.
func TestFillProxyConfig(t *testing.T) {
	addrs := map[string]string{proxyListen: "127.0.0.1:1", proxyNode1: "127.0.0.1:2", proxyNode2: "127.0.0.1:3"}
	tests := []struct {
		name, conf, want string
		wantErr          bool
	}{
		{"all", "listen 127.0.0.1:8080; a 127.0.0.1:8000; b 127.0.0.1:8001; c 127.0.0.1:8000", "listen 127.0.0.1:1; a 127.0.0.1:2; b 127.0.0.1:3; c 127.0.0.1:2", false},
		{"second node missing", "listen 127.0.0.1:8080; a 127.0.0.1:8000", "", true},
		{"listen missing", "a 127.0.0.1:8000; b 127.0.0.1:8001", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fillProxyConfig(tt.conf, addrs)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("got %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestProxyDocs checks that docs/proxies.md shows each tested
// configuration exactly as the file the proxy test runs, in a code block.
func TestProxyDocs(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "proxies.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pc := range proxyCases {
		t.Run(pc.name, func(t *testing.T) {
			conf, err := os.ReadFile(filepath.Join("..", "docs", "proxy", pc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(doc), "\n"+string(conf)+"```\n") {
				t.Errorf("docs/proxies.md does not show docs/proxy/%s as it is, ending a code block", pc.file)
			}
		})
	}
}

// freeAddr returns a loopback host:port that was free a moment ago, for a
// program that must be told its port.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil || !errors.Is(err, os.ErrNotExist)
}
