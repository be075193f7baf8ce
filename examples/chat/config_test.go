package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestParseConfig checks every flag and environment variable that selects
// the cluster adapter and the Redis, and the messages of the invalid ones.
func TestParseConfig(t *testing.T) {
	type want struct {
		addr     string
		adapter  string   // "" for none
		redis    string   // redis.Options.Addr
		cluster  []string // redis.ClusterOptions.Addrs
		user, pw string
		db       int
		tls      bool
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want want
	}{
		{"single process by default", nil, nil, want{addr: "127.0.0.1:8000"}},
		{"addr from the environment", nil, map[string]string{"SIO_ADDR": "127.0.0.1:9000"}, want{addr: "127.0.0.1:9000"}},
		{"addr flag over the environment", []string{"-addr", "127.0.0.1:0"}, map[string]string{"SIO_ADDR": "127.0.0.1:9000"}, want{addr: "127.0.0.1:0"}},
		{"redis alone means classic", []string{"-redis", "127.0.0.1:6379"}, nil,
			want{addr: "127.0.0.1:8000", adapter: "classic", redis: "127.0.0.1:6379"}},
		{"classic", []string{"-adapter", "classic", "-redis", "localhost:6379"}, nil,
			want{addr: "127.0.0.1:8000", adapter: "classic", redis: "localhost:6379"}},
		{"sharded", []string{"-adapter", "sharded", "-redis", "[::1]:7000"}, nil,
			want{addr: "127.0.0.1:8000", adapter: "sharded", redis: "[::1]:7000"}},
		{"adapter and redis from the environment", nil, map[string]string{"SIO_ADAPTER": "sharded", "SIO_REDIS": "10.0.0.5:6379"},
			want{addr: "127.0.0.1:8000", adapter: "sharded", redis: "10.0.0.5:6379"}},
		{"URL", []string{"-adapter", "sharded", "-redis", "redis://sio:secret@redis.internal:6380/2"}, nil,
			want{addr: "127.0.0.1:8000", adapter: "sharded", redis: "redis.internal:6380", user: "sio", pw: "secret", db: 2}},
		{"TLS URL", []string{"-redis", "rediss://redis.internal:6380"}, nil,
			want{addr: "127.0.0.1:8000", adapter: "classic", redis: "redis.internal:6380", tls: true}},
		{"unix socket URL", []string{"-redis", "unix:///run/redis/redis.sock?db=1"}, nil,
			want{addr: "127.0.0.1:8000", adapter: "classic", redis: "/run/redis/redis.sock", db: 1}},
		{"cluster list", []string{"-adapter", "sharded", "-redis-cluster", "-redis", "10.0.0.1:7000,10.0.0.2:7000"}, nil,
			want{addr: "127.0.0.1:8000", adapter: "sharded", cluster: []string{"10.0.0.1:7000", "10.0.0.2:7000"}}},
		{"cluster URL", []string{"-adapter", "sharded", "-redis-cluster", "-redis", "redis://sio:secret@10.0.0.1:7000?addr=10.0.0.2:7000"}, nil,
			want{addr: "127.0.0.1:8000", adapter: "sharded", cluster: []string{"10.0.0.1:7000", "10.0.0.2:7000"}, user: "sio", pw: "secret"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseConfig(tt.args, func(k string) string { return tt.env[k] }, &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			var got want
			got.addr = cfg.addr
			if cfg.adapter != nil {
				got.adapter = cfg.adapter.name
				if cfg.redisShown == "" {
					t.Error("no Redis to name in messages")
				}
				if (cfg.redisOpts == nil) == (cfg.clusterOpts == nil) {
					t.Fatalf("redisOpts %v, clusterOpts %v: want exactly one", cfg.redisOpts, cfg.clusterOpts)
				}
				rdb := cfg.newRedisClient() // no I/O until used
				_ = rdb.Close()
			} else if cfg.redisOpts != nil || cfg.clusterOpts != nil {
				t.Fatal("Redis options without an adapter")
			}
			if o := cfg.redisOpts; o != nil {
				got.redis, got.user, got.pw, got.db, got.tls = o.Addr, o.Username, o.Password, o.DB, o.TLSConfig != nil
			}
			if o := cfg.clusterOpts; o != nil {
				got.cluster, got.user, got.pw, got.tls = o.Addrs, o.Username, o.Password, o.TLSConfig != nil
			}
			if got.addr != tt.want.addr || got.adapter != tt.want.adapter || got.redis != tt.want.redis ||
				!slices.Equal(got.cluster, tt.want.cluster) || got.user != tt.want.user || got.pw != tt.want.pw ||
				got.db != tt.want.db || got.tls != tt.want.tls {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestParseConfigErrors checks that each invalid command line is refused
// with a message naming the flag and what would be right, and that no
// password appears in it.
func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    []string // substrings of the error
		printed bool     // the flag package printed it (with the usage)
	}{
		{"unknown adapter", []string{"-adapter", "kafka", "-redis", "127.0.0.1:6379"}, nil,
			[]string{`-adapter "kafka" is not an adapter; use one of classic, sharded`}, false},
		{"unknown adapter from the environment", []string{"-redis", "127.0.0.1:6379"}, map[string]string{"SIO_ADAPTER": "Sharded"},
			[]string{`-adapter "Sharded" is not an adapter`}, false},
		{"adapter without redis", []string{"-adapter", "sharded"}, nil, []string{"-adapter sharded needs -redis"}, false},
		{"cluster without redis", []string{"-redis-cluster"}, nil, []string{"-redis-cluster needs -redis"}, false},
		{"no port", []string{"-redis", "localhost"}, nil, []string{`-redis "localhost"`, "missing port", "want host:port"}, false},
		{"no host", []string{"-redis", ":6379"}, nil, []string{`-redis ":6379"`, "empty host", "want host:port"}, false},
		{"several addresses without cluster", []string{"-redis", "10.0.0.1:7000,10.0.0.2:7000"}, nil, []string{"add -redis-cluster"}, false},
		{"bad cluster address", []string{"-redis-cluster", "-redis", "10.0.0.1:7000,10.0.0.2"}, nil, []string{`-redis "10.0.0.2"`, "missing port"}, false},
		{"bad URL scheme", []string{"-redis", "http://127.0.0.1:6379"}, nil, []string{`-redis "http://127.0.0.1:6379"`, "scheme", "redis://"}, false},
		{"unparsable URL", []string{"-redis", "redis://sio:secret@[::1"}, nil, []string{"-redis", "redis://"}, false},
		{"unknown URL option", []string{"-redis", "redis://sio:secret@127.0.0.1:6379?colour=red"}, nil,
			[]string{`-redis "redis://sio:xxxxx@127.0.0.1:6379?colour=red"`, "colour"}, false},
		{"bad cluster URL", []string{"-redis-cluster", "-redis", "redis://127.0.0.1:7000?addr="}, nil, []string{"-redis", "cluster URL"}, false},
		{"negative drain", []string{"-drain", "-5s"}, nil, []string{"-drain -5s is negative"}, false},
		{"stray argument", []string{"-redis", "127.0.0.1:6379", "sharded"}, nil, []string{`unexpected argument "sharded"`}, false},
		{"unknown flag", []string{"-redis-url", "127.0.0.1:6379"}, nil, []string{"-redis-url"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := parseConfig(tt.args, func(k string) string { return tt.env[k] }, &out)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q shows the password", err)
			}
			if got := errors.Is(err, errFlagPrinted); got != tt.printed {
				t.Errorf("errors.Is(%q, errFlagPrinted) = %v, want %v", err, got, tt.printed)
			}
			if printed := strings.Contains(out.String(), "usage: chat"); printed != tt.printed {
				t.Errorf("usage printed: %v, want %v; output:\n%s", printed, tt.printed, out.String())
			}
		})
	}
	t.Run("help", func(t *testing.T) {
		var out bytes.Buffer
		if _, err := parseConfig([]string{"-h"}, func(string) string { return "" }, &out); !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("err = %v, want flag.ErrHelp", err)
		}
		for _, a := range adapters {
			if !strings.Contains(out.String(), "  "+a.name+"\t") {
				t.Errorf("usage does not list adapter %s:\n%s", a.name, out.String())
			}
		}
	})
}

// TestExitStatus runs main in a child process (this test binary, see
// TestMain): a command line it refuses exits with status 2 and its message
// on stderr, -h with status 0.
func TestExitStatus(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		status int
		stderr string
	}{
		{"unknown adapter", []string{"-adapter", "kafka", "-redis", "127.0.0.1:6379"}, 2, `chat: -adapter "kafka" is not an adapter; use one of ` + adapterNames()},
		{"bad URL", []string{"-adapter", "sharded", "-redis", "redis://127.0.0.1:6379/x"}, 2, `chat: -redis "redis://127.0.0.1:6379/x"`},
		{"unknown flag", []string{"-adaptor", "sharded"}, 2, "flag provided but not defined: -adaptor"},
		{"help", []string{"-h"}, 0, "usage: chat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), runMainEnv+"="+strings.Join(tt.args, "\n"),
				"SIO_ADDR=", "SIO_ADAPTER=", "SIO_REDIS=")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			status := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				status = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tt.status || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("exit status %d, stderr:\n%s\nwant status %d and %q", status, stderr.String(), tt.status, tt.stderr)
			}
		})
	}
}
