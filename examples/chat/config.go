package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/admin"
	"github.com/siogo/sio/socketio/redisadapter"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
	"github.com/siogo/sio/socketio/redisadapter/streams"
)

// clusterAdapter is a value of -adapter: a cluster adapter made from the
// Redis client of -redis.
type clusterAdapter struct {
	name string
	// about is its line in -help.
	about string
	// factory makes the adapter factory of one server from the client.
	factory func(redis.UniversalClient) func(*socketio.Namespace) socketio.Adapter
	// recovery turns on connection state recovery, which this adapter
	// carries across servers.
	recovery bool
}

// adapters are the values -adapter accepts, in the order -help lists them;
// the first is the default when -redis is given without -adapter. Each
// uses its package's defaults, those of its Node.js counterpart, so that
// Node servers with default options can join the same chat cluster.
var adapters = []clusterAdapter{
	{
		name:  "classic",
		about: "Redis pub/sub (PUBLISH, PSUBSCRIBE), as Node's createAdapter of @socket.io/redis-adapter",
		factory: func(c redis.UniversalClient) func(*socketio.Namespace) socketio.Adapter {
			return redisadapter.New(c, nil)
		},
	},
	{
		name:  "sharded",
		about: "Redis 7 sharded pub/sub (SPUBLISH, SSUBSCRIBE), as Node's createShardedAdapter; scales with Redis Cluster",
		factory: func(c redis.UniversalClient) func(*socketio.Namespace) socketio.Adapter {
			return sharded.New(c, nil)
		},
	},
	{
		name:  "streams",
		about: "Redis Streams (XADD, XREAD), as Node's @socket.io/redis-streams-adapter; survives brief Redis outages, recovers sessions across servers",
		factory: func(c redis.UniversalClient) func(*socketio.Namespace) socketio.Adapter {
			return streams.New(c, nil)
		},
		recovery: true,
	},
}

// adapterNames lists the names of adapters, "classic, sharded, streams".
func adapterNames() string {
	names := make([]string, len(adapters))
	for i, a := range adapters {
		names[i] = a.name
	}
	return strings.Join(names, ", ")
}

// config is what the command line asks for.
type config struct {
	addr   string // where to listen
	webDir string // chat.Options.WebDir
	bundle string // chat.Options.Bundle

	// adapter is nil for a single process (the in-memory adapter);
	// otherwise exactly one of redisOpts and clusterOpts is set.
	adapter     *clusterAdapter
	redisOpts   *redis.Options
	clusterOpts *redis.ClusterOptions
	redisShown  string // the Redis for messages, without credentials

	// drain is the period over which a stopping chat closes its clients
	// (socketio.DrainOptions.Period); 0 closes them all at once.
	drain time.Duration
	// admin is nil without -admin; see docs/admin-ui.md.
	admin        *admin.Options
	adminOrigins []string // -admin-origin
	adminUIDir   string   // -admin-ui
}

// newRedisClient returns the client of the Redis cfg names; it does no
// I/O. Only for a cfg with an adapter.
func (cfg *config) newRedisClient() redis.UniversalClient {
	if cfg.clusterOpts != nil {
		return redis.NewClusterClient(cfg.clusterOpts)
	}
	return redis.NewClient(cfg.redisOpts)
}

// parseConfig parses the command line args (without the program name).
// getenv supplies the defaults of -addr ($SIO_ADDR), -adapter
// ($SIO_ADAPTER) and -redis ($SIO_REDIS). Usage and the flag package's
// own errors go to out. An error means exit status 2; flag.ErrHelp means
// -h was asked for.
func parseConfig(args []string, getenv func(string) string, out io.Writer) (*config, error) {
	defAddr := getenv("SIO_ADDR")
	if defAddr == "" {
		defAddr = "127.0.0.1:8000"
	}
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(out)
	cfg := &config{}
	fs.StringVar(&cfg.addr, "addr", defAddr, "`address` to listen on (env SIO_ADDR)")
	fs.StringVar(&cfg.webDir, "web-dir", "", "`folder` holding node_modules/socket.io-client (default: examples/chat/web)")
	fs.StringVar(&cfg.bundle, "bundle", "", "`path` of socket.io.min.js (overrides -web-dir)")
	adapterName := fs.String("adapter", getenv("SIO_ADAPTER"), "cluster `adapter` sharing rooms with other chat processes through -redis: "+adapterNames()+" (env SIO_ADAPTER; default "+adapters[0].name+" when -redis is set)")
	redisArg := fs.String("redis", getenv("SIO_REDIS"), "`address` of the Redis shared with other chat processes: host:port or a redis://, rediss:// or unix:// URL (env SIO_REDIS)")
	fs.DurationVar(&cfg.drain, "drain", 0, "on SIGTERM or Ctrl-C, close the clients gradually over this `period` (e.g. 20s; keep it below the orchestrator's grace period), so that they reconnect to the other processes a few at a time; 0 closes them all at once")
	adminArg := fs.String("admin", getenv("SIO_ADMIN"), "serve the Admin UI's namespace /admin, behind `user:bcrypt-hash` (as htpasswd -nbB makes it; quote the $), or none for no login (env SIO_ADMIN); see docs/admin-ui.md")
	adminMode := fs.String("admin-mode", string(admin.Development), "what the Admin UI is told: development (every socket, room and event) or production (server stats only)")
	adminReadOnly := fs.Bool("admin-readonly", false, "the Admin UI can look but not emit, move or disconnect sockets")
	adminOrigin := fs.String("admin-origin", "https://admin.socket.io", "comma-separated `origins` of an Admin UI served elsewhere, allowed to connect with credentials (CORS); empty for none")
	fs.StringVar(&cfg.adminUIDir, "admin-ui", "", "`folder` of the Admin UI's built files (ui/dist of the npm package @socket.io/admin-ui) to serve at /admin-ui/")
	cluster := fs.Bool("redis-cluster", false, "-redis names seed nodes of a Redis Cluster: host:port[,host:port...] or a redis:// URL with addr= parameters for more seeds")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: chat [flags]\n\nServes the chat example; with -redis, shares rooms with other chat processes.\nAdapters:\n")
		for _, a := range adapters {
			fmt.Fprintf(fs.Output(), "  %s\t%s\n", a.name, a.about)
		}
		fmt.Fprintf(fs.Output(), "\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil, err
	} else if err != nil {
		return nil, fmt.Errorf("%w: %w", errFlagPrinted, err)
	}
	if cfg.drain < 0 {
		return nil, fmt.Errorf("chat: -drain %v is negative; use a period such as 20s, or 0 to close the clients at once", cfg.drain)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("chat: unexpected argument %q; every setting is a flag (see -h)", fs.Arg(0))
	}

	if *adminArg != "" {
		var err error
		if cfg.admin, err = parseAdmin(*adminArg, *adminMode, *adminReadOnly); err != nil {
			return nil, err
		}
		for _, o := range strings.Split(*adminOrigin, ",") {
			if o = strings.TrimSpace(o); o != "" {
				cfg.adminOrigins = append(cfg.adminOrigins, o)
			}
		}
	} else if cfg.adminUIDir != "" {
		return nil, errors.New("chat: -admin-ui needs -admin (user:bcrypt-hash, or none)")
	}
	if *adapterName != "" {
		for i := range adapters {
			if adapters[i].name == *adapterName {
				cfg.adapter = &adapters[i]
			}
		}
		if cfg.adapter == nil {
			return nil, fmt.Errorf("chat: -adapter %q is not an adapter; use one of %s", *adapterName, adapterNames())
		}
	}
	if *redisArg == "" {
		if cfg.adapter != nil {
			return nil, fmt.Errorf("chat: -adapter %s needs -redis host:port (or a redis:// URL)", cfg.adapter.name)
		}
		if *cluster {
			return nil, errors.New("chat: -redis-cluster needs -redis with the cluster's seed nodes")
		}
		return cfg, nil
	}
	if cfg.adapter == nil {
		cfg.adapter = &adapters[0]
	}
	var err error
	if *cluster {
		cfg.clusterOpts, cfg.redisShown, err = parseClusterRedis(*redisArg)
	} else {
		cfg.redisOpts, cfg.redisShown, err = parseRedis(*redisArg)
	}
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// parseAdmin reads -admin ("user:bcrypt-hash" or "none"), -admin-mode
// and -admin-readonly.
func parseAdmin(spec, mode string, readOnly bool) (*admin.Options, error) {
	o := &admin.Options{Mode: admin.Mode(mode), ReadOnly: readOnly}
	if spec == "none" {
		o.NoAuth = true
	} else {
		user, hash, ok := strings.Cut(spec, ":")
		if !ok || user == "" {
			return nil, errors.New("chat: -admin wants user:bcrypt-hash (htpasswd -nbB user password prints it), or none")
		}
		o.Auth = &admin.BasicAuth{Username: user, PasswordHash: hash}
	}
	if _, err := admin.New(o); err != nil {
		return nil, fmt.Errorf("chat: -admin: %w", err)
	}
	return o, nil
}

// errFlagPrinted wraps the errors of the flag package, which has printed
// them to parseConfig's out, with the usage.
var errFlagPrinted = errors.New("chat: bad command line")

// isURL reports whether s is written as a URL rather than host:port.
func isURL(s string) bool { return strings.Contains(s, "://") }

// parseRedis reads -redis for a single Redis: host:port or a URL
// (redis.ParseURL). It returns the client options and the Redis to name in
// messages.
func parseRedis(s string) (*redis.Options, string, error) {
	if isURL(s) {
		o, err := redis.ParseURL(s)
		if err != nil {
			return nil, "", fmt.Errorf("chat: -redis %q: %s (a URL is redis://[user:password@]host:port[/db], rediss:// for TLS, or unix:///path)", redacted(s), redactedErr(err, s))
		}
		return o, o.Addr, nil
	}
	if strings.Contains(s, ",") {
		return nil, "", fmt.Errorf("chat: -redis %q lists several addresses; add -redis-cluster for the seed nodes of a Redis Cluster", s)
	}
	if err := checkHostPort(s); err != nil {
		return nil, "", err
	}
	return &redis.Options{Addr: s}, s, nil
}

// parseClusterRedis reads -redis for a Redis Cluster: a comma-separated
// list of host:port, or a URL (redis.ParseClusterURL).
func parseClusterRedis(s string) (*redis.ClusterOptions, string, error) {
	if isURL(s) {
		o, err := redis.ParseClusterURL(s)
		if err != nil {
			return nil, "", fmt.Errorf("chat: -redis %q: %s (a cluster URL is redis://[user:password@]host:port?addr=host2:port2&addr=..., rediss:// for TLS)", redacted(s), redactedErr(err, s))
		}
		return o, "cluster " + strings.Join(o.Addrs, ","), nil
	}
	addrs := strings.Split(s, ",")
	for _, a := range addrs {
		if err := checkHostPort(a); err != nil {
			return nil, "", err
		}
	}
	return &redis.ClusterOptions{Addrs: addrs}, "cluster " + s, nil
}

// checkHostPort fails unless s is host:port with a non-empty host.
func checkHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err == nil && (host == "" || port == "") {
		err = errors.New("empty host or port")
	}
	if err != nil {
		return fmt.Errorf("chat: -redis %q: %v; want host:port (e.g. 127.0.0.1:6379) or a redis:// URL", s, err)
	}
	return nil
}

// redacted is the URL s with its password, if any, replaced by "xxxxx",
// for error messages; only its scheme when it does not parse.
func redacted(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if !strings.Contains(s, "@") {
			return s
		}
		scheme, _, _ := strings.Cut(s, "://")
		return scheme + "://…"
	}
	return u.Redacted()
}

// redactedErr is err's message with the URL s in it redacted.
func redactedErr(err error, s string) string {
	return strings.ReplaceAll(err.Error(), s, redacted(s))
}
