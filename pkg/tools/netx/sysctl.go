package netx

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Sysctl is sysctl [-abeNn] [-r PATTERN] [--deprecated] [KEY...]: read kernel parameters
// from /proc/sys, as procps-ng's sysctl prints them. Keys are read in the namespaces of the
// process that runs it, so net.* are the network namespace's own.
//
//	-a, -A, -X        every parameter (a key that is a directory lists its subtree)
//	-n, --values      values only;  -b, --binary: values without newlines
//	-N, --names       names only
//	-e, --ignore      no error for unknown keys
//	-r, --pattern RE  only keys matching the extended regular expression RE
//	--deprecated      include the deprecated keys -a leaves out (base_reachable_time, retrans_time)
//
// Writing (-w, KEY=VALUE, -p) is refused: this sysctl reads.
var Sysctl = tools.Applet{Name: "sysctl", Summary: "read kernel parameters (/proc/sys)", Run: runSysctl}

const sysctlUsage = `sysctl [-abeNn] [-r PATTERN] [--deprecated] [KEY...]
Read kernel parameters from /proc/sys (keys as net.ipv4.ip_forward or net/ipv4/ip_forward;
a key that is a directory lists its subtree). net.* are the current network namespace's.
  -a, -A, -X        display all variables
  -n, --values      print only values;   -b, --binary  values without new line
  -N, --names       print names only
  -e, --ignore      ignore unknown variables errors
  -r, --pattern RE  select keys that match the extended regular expression RE
      --deprecated  include deprecated parameters in listings
Read-only: -w, KEY=VALUE and -p are refused.`

// sysctlRoot is where the parameters are; tests point it at a tree of their own.
var sysctlRoot = "/proc/sys"

type sysctlOptions struct {
	names, values, noNewline, ignore, deprecated bool
	pattern                                      *regexp.Regexp
}

func runSysctl(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("sysctl", sysctlUsage)
	var all bool
	for _, r := range []rune{'a', 'A', 'X'} {
		long := ""
		if r == 'a' {
			long = "all"
		}
		fs.BoolFunc(r, long, func() { all = true })
	}
	var o sysctlOptions
	fs.BoolFunc('n', "values", func() { o.values = true })
	fs.BoolFunc('b', "binary", func() { o.values, o.noNewline = true, true })
	names, ignore := fs.Bool('N', "names"), fs.Bool('e', "ignore")
	deprecated := fs.Bool(0, "deprecated")
	pattern := fs.String('r', "pattern", "")
	write, load := fs.Bool('w', "write"), fs.Bool('p', "load")
	fs.Bool('f', "")
	fs.Bool('q', "quiet")
	fs.Bool('o', "")
	fs.Bool('x', "")
	if len(args) < 2 {
		env.Errorf("sysctl", "no variables specified\nUsage: %s", strings.SplitN(sysctlUsage, "\n", 2)[0])
		return 1
	}
	keys, code := fs.Parse(env, args[1:])
	if code >= 0 {
		return code
	}
	o.names, o.ignore, o.deprecated = *names, *ignore, *deprecated
	if *write || *load {
		env.Errorf("sysctl", "writing parameters is not supported: this sysctl only reads")
		return 1
	}
	if *pattern != "" {
		re, err := regexp.Compile(*pattern)
		if err != nil {
			env.Errorf("sysctl", "bad pattern %q: %v", *pattern, err)
			return 1
		}
		o.pattern = re
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	if all {
		return o.list(env, w, sysctlRoot)
	}
	if len(keys) == 0 {
		w.Flush()
		env.Errorf("sysctl", "no variables specified\nTry `sysctl --help' for more information.")
		return 1
	}
	status := 0
	for _, k := range keys {
		if strings.Contains(k, "=") {
			w.Flush()
			env.Errorf("sysctl", "setting %s is not supported: this sysctl only reads", k)
			status = 1
			continue
		}
		if s := o.read(env, w, k); s != 0 {
			status = s
		}
	}
	return status
}

// keyPath turns a key into its file under sysctlRoot and its dotted name. As procps does,
// the key's separator is its first '.' or '/', and the other one (the '.' of an interface
// called eth0.100) is swapped with it: net.ipv4.conf.eth0/100.rp_filter is
// net/ipv4/conf/eth0.100/rp_filter.
func keyPath(key string) (path, name string) {
	if i := strings.IndexAny(key, "./"); i >= 0 && key[i] == '/' {
		return filepath.Join(sysctlRoot, key), swapSeparators(key)
	}
	return filepath.Join(sysctlRoot, swapSeparators(key)), key
}

// swapSeparators swaps every '.' and '/' of s.
func swapSeparators(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch c {
		case '.':
			b[i] = '/'
		case '/':
			b[i] = '.'
		}
	}
	return string(b)
}

// read prints one key (or the subtree of a directory key) and returns its status.
func (o *sysctlOptions) read(env *tools.Env, w *bufio.Writer, key string) int {
	path, name := keyPath(key)
	st, err := os.Stat(path)
	if err != nil {
		if o.ignore {
			return 0
		}
		w.Flush()
		env.Errorf("sysctl", "cannot stat %s: %s", path, tools.Reason(err))
		return 1
	}
	if st.IsDir() {
		return o.list(env, w, path)
	}
	return o.show(env, w, path, name, st)
}

// show prints the parameter at path, called name.
func (o *sysctlOptions) show(env *tools.Env, w *bufio.Writer, path, name string, st fs.FileInfo) int {
	if st.Mode().Perm()&0o400 == 0 { // write-only (net.ipv4.route.flush): nothing to show
		return 0
	}
	if o.pattern != nil && !o.pattern.MatchString(name) {
		return 0
	}
	if o.names {
		w.WriteString(name + "\n")
		return 0
	}
	var data []byte
	var err error
	if filepath.Base(path) == "stat_refresh" {
		// Reading it makes the kernel fold every CPU's vm counters, and shows nothing:
		// opening it says all procps says.
		var f *os.File
		if f, err = os.Open(path); err == nil {
			f.Close()
		}
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		w.Flush()
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if o.ignore {
				return 0
			}
			env.Errorf("sysctl", "%q is an unknown key", name)
		case errors.Is(err, fs.ErrPermission):
			env.Errorf("sysctl", "permission denied on key '%s'", name)
		case errors.Is(err, syscall.EIO): // stable_secret before it is set: silent, as procps
		default:
			env.Errorf("sysctl", "reading key %q", name)
		}
		return 1
	}
	// One "name = line" per line of the value (dev.cdrom.info has many).
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if line == "" {
			continue
		}
		switch {
		case !o.values:
			w.WriteString(name + " = " + line)
			if !strings.HasSuffix(line, "\n") {
				w.WriteByte('\n')
			}
		case o.noNewline:
			w.WriteString(strings.TrimSuffix(line, "\n"))
		default:
			w.WriteString(line)
		}
	}
	return 0
}

// list prints every parameter under dir, in name order (the kernel's own order). As with
// procps-ng 4.0, a key of dir itself that cannot be read fails the listing; one deeper
// down is reported but does not.
func (o *sysctlOptions) list(env *tools.Env, w *bufio.Writer, dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		w.Flush()
		env.Errorf("sysctl", "unable to open directory \"%s/\"", dir)
		return 1
	}
	status := 0
	for _, e := range entries {
		if n := e.Name(); !o.deprecated && (n == "base_reachable_time" || n == "retrans_time") {
			continue // deprecated duplicates of the _ms keys
		}
		p := filepath.Join(dir, e.Name())
		st, err := os.Stat(p)
		if err != nil {
			w.Flush()
			env.Errorf("sysctl", "cannot stat %s: %s", p, tools.Reason(err))
			continue
		}
		if st.IsDir() {
			o.list(env, w, p)
			continue
		}
		rel, _ := filepath.Rel(sysctlRoot, p)
		status |= o.show(env, w, p, swapSeparators(rel), st)
	}
	return status
}
