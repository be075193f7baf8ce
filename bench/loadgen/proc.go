package loadgen

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of utime and stime in /proc/PID/stat: USER_HZ,
// which Linux fixes at 100 for user space.
const clockTick = 10 * time.Millisecond

// procCPU returns the CPU time (user and system, all threads) the process
// pid has used.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStat(b)
}

// parseStat returns utime+stime of a /proc/PID/stat line. The command name
// (field 2) is in parentheses and may hold spaces and parentheses: fields
// are counted from the last ')'.
func parseStat(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc stat %q: no command name", b)
	}
	// After ')': field 3 (state) onwards; utime is field 14, stime 15.
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc stat %q: %d fields after the command name, want at least 13", b, len(f))
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc stat: utime/stime %q: %w", s, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}

// cpuTimes returns the busy and total time of CPU n since boot, in clock
// ticks, from /proc/stat.
func cpuTimes(n int) (busy, total int64, err error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	return parseCPUTimes(b, n)
}

// parseCPUTimes reads the line "cpuN user nice system idle iowait irq
// softirq steal ..." of /proc/stat: total is the sum of the first eight
// (guest time is counted in user already), busy is total less idle and
// iowait.
func parseCPUTimes(b []byte, n int) (busy, total int64, err error) {
	prefix := fmt.Sprintf("cpu%d ", n)
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), prefix)
		if !ok {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 8 {
			return 0, 0, fmt.Errorf("/proc/stat: %s%s: %d fields, want at least 8", prefix, line, len(f))
		}
		var v [8]int64
		for i := range v {
			if v[i], err = strconv.ParseInt(f[i], 10, 64); err != nil {
				return 0, 0, fmt.Errorf("/proc/stat: %s%s: %w", prefix, line, err)
			}
			total += v[i]
		}
		return total - v[3] - v[4], total, nil
	}
	return 0, 0, fmt.Errorf("/proc/stat: no line for CPU %d", n)
}

// procRSS returns the resident set size of the process pid in bytes
// (VmRSS of /proc/PID/status).
func procRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseKB(b, "VmRSS:")
}

// parseKB returns the value of the /proc/PID/status line starting with key
// ("VmRSS:	  1234 kB") in bytes.
func parseKB(b []byte, key string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), key)
		if !ok {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("/proc status: %s%s: want a number of kB", key, line)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc status: %s%s: %w", key, line, err)
		}
		return n * 1024, nil
	}
	return 0, fmt.Errorf("/proc status: no %s line", key)
}

// procFileLimit returns the soft limit on open files of the process pid.
func procFileLimit(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", pid))
	if err != nil {
		return 0, err
	}
	return parseFileLimit(b)
}

// parseFileLimit returns the soft limit of the "Max open files" line of
// /proc/PID/limits; -1 for unlimited.
func parseFileLimit(b []byte) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "Max open files")
		if !ok {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 1 {
			break
		}
		if f[0] == "unlimited" {
			return -1, nil
		}
		return strconv.ParseInt(f[0], 10, 64)
	}
	return 0, fmt.Errorf("/proc limits: no %q line", "Max open files")
}

// fileMargin is the descriptors a process needs besides its connections:
// listener, standard files, runtime and event loop.
const fileMargin = 64

// checkFiles fails when the server pid or the generator cannot hold conns
// connections more: both are on this machine, and each needs a descriptor
// per connection.
func checkFiles(pid, conns int) error {
	need := int64(conns + fileMargin)
	server, err := procFileLimit(pid)
	if err != nil {
		return err
	}
	if server >= 0 && server < need {
		return fmt.Errorf("the server may open %d files, %d connections need %d: raise ulimit -n or use fewer connections", server, conns, need)
	}
	if self := fileLimit(); self >= 0 && self < need {
		return fmt.Errorf("the load generator may open %d files, %d connections need %d: raise ulimit -n or use fewer connections", self, conns, need)
	}
	return nil
}
