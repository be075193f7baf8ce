package loadgen

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Options configures a run of the benchmark.
type Options struct {
	Config
	// Peers are the servers under test; each round runs each scenario
	// against each of them in this order, each time on a server started
	// afresh.
	Peers []Peer
	// Scenarios are the names of the scenarios to run (see Scenarios);
	// empty means all.
	Scenarios []string
	// Rounds is how many times each scenario runs against each peer.
	Rounds int
	// ServerCPUs, when not empty, pins the servers to these CPUs (a
	// taskset list, such as "0").
	ServerCPUs string
	// Cooldown is a pause after each server stopped.
	Cooldown time.Duration
	// Log receives a line per measurement and the servers' standard
	// error; nil discards them.
	Log io.Writer
}

// Run runs the scenarios: round after round, in each round each scenario
// against each peer. It returns what was measured, also when a run failed.
func Run(ctx context.Context, o *Options) (*Results, error) {
	if o.Rounds < 1 {
		return nil, fmt.Errorf("rounds: %d, want at least 1", o.Rounds)
	}
	if len(o.Peers) == 0 {
		return nil, fmt.Errorf("no server to measure")
	}
	if err := o.Config.validate(); err != nil {
		return nil, err
	}
	scenarios, err := selectScenarios(o.Scenarios)
	if err != nil {
		return nil, err
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	res := &Results{values: make(map[*Metric]map[string][]float64)}
	for _, p := range o.Peers {
		res.Peers = append(res.Peers, p.Name)
	}
	for round := 1; round <= o.Rounds; round++ {
		for _, sc := range scenarios {
			for _, p := range o.Peers {
				vals, err := runOne(ctx, p, sc, o, log)
				if err != nil {
					return res, fmt.Errorf("round %d, scenario %s, server %s: %w", round, sc.Name, p.Name, err)
				}
				res.add(p.Name, vals)
				fmt.Fprintf(log, "round %d/%d %-8s %-5s %s\n", round, o.Rounds, sc.Name, p.Name, describe(vals))
				for _, v := range vals {
					if v.Metric.Busy != 0 && v.V > v.Metric.Busy {
						fmt.Fprintf(log, "warning: %s %s: the load generator may be what limits this window's rate\n", v.Metric.Name, v.Metric.Format(v.V))
					}
				}
				if o.Cooldown > 0 {
					select {
					case <-time.After(o.Cooldown):
					case <-ctx.Done():
						return res, ctx.Err()
					}
				}
			}
		}
	}
	return res, nil
}

// runOne starts p, runs sc against it and stops it.
func runOne(ctx context.Context, p Peer, sc Scenario, o *Options, log io.Writer) ([]Value, error) {
	r, err := start(ctx, p, o.ServerCPUs, log)
	if err != nil {
		return nil, err
	}
	defer r.stop()
	r.CPU = -1
	if n, err := strconv.Atoi(o.ServerCPUs); err == nil && n >= 0 {
		r.CPU = n
	}
	vals, err := sc.Run(ctx, r.Target, &o.Config)
	if err == nil {
		err = r.exited()
	}
	return vals, err
}

func selectScenarios(names []string) ([]Scenario, error) {
	if len(names) == 0 {
		return Scenarios, nil
	}
	var out []Scenario
	for _, sc := range Scenarios {
		if slices.Contains(names, sc.Name) {
			out = append(out, sc)
		}
	}
	for _, n := range names {
		if !slices.ContainsFunc(Scenarios, func(sc Scenario) bool { return sc.Name == n }) {
			return nil, fmt.Errorf("unknown scenario %q (known: %s)", n, strings.Join(ScenarioNames(), ", "))
		}
	}
	return out, nil
}

// ScenarioNames returns the names of the scenarios, in the order they run.
func ScenarioNames() []string {
	var out []string
	for _, sc := range Scenarios {
		out = append(out, sc.Name)
	}
	return out
}

func describe(vals []Value) string {
	var b strings.Builder
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", v.Metric.Name, v.Metric.Format(v.V))
	}
	return b.String()
}
