package toolbox_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// initBudget is the most a package of the toolbox may allocate in its package
// initialisation: error values and applet tables of constants. Tables, regexps and procfs
// parsers are built on first use (sync.OnceValue, a switch), so `ddebug-toolbox true` pays
// for none of them. Bytes and allocations, unlike clock time, do not depend on the
// machine's load: the test is exact.
const (
	initBudgetBytes  = 1024
	initBudgetAllocs = 16
)

// initExceptions are the packages of other modules over the budget, with what they build
// and their ceiling: more fails, so does a new package over the budget. The toolbox's own
// packages have none.
var initExceptions = map[string]struct {
	bytes int
	why   string
}{
	"mvdan.cc/sh/v3/fileutil":         {16_000, "the shell parser's shebang regexps"},
	"mvdan.cc/sh/v3/interp":           {8_000, "the interpreter's builtin tables"},
	"mvdan.cc/sh/v3/expand":           {5_500, "the expander's tables"},
	"unicode":                         {12_000, "the standard library's case tables"},
	"vendor/golang.org/x/sys/cpu":     {5_500, "the standard library's CPU feature probe"},
	"compress/flate":                  {4_500, "the standard library's fixed Huffman tables"},
	"crypto/internal/fips140/rsa":     {3_500, "the standard library's FIPS self-test tables"},
	"regexp/syntax":                   {2_500, "the standard library's"},
	"crypto/tls":                      {2_500, "the standard library's"},
	"golang.org/x/net/dns/dnsmessage": {2_500, "its name tables (nslookup, dig)"},
	"net/http":                        {2_500, "the standard library's"},
	"net":                             {2_000, "the standard library's"},
	"encoding/base64":                 {1_500, "the standard library's"},
	"hash/crc32":                      {1_500, "the standard library's"},
	"net/netip":                       {1_536, "the standard library's (over the allocation count only; 744 bytes, once 1,224 in a loaded test run)"},
}

// TestInitWork runs the toolbox with GODEBUG=inittrace=1 and holds every package to the
// init budget.
func TestInitWork(t *testing.T) {
	cmd := exec.Command(toolboxBinary(t), "true")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ddebug-toolbox true: %v\n%s", err, stderr.String())
	}
	seen := 0
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		// init PKG @T ms, C ms clock, B bytes, A allocs
		f := strings.Fields(sc.Text())
		if len(f) != 11 || f[0] != "init" || f[8] != "bytes," || f[10] != "allocs" {
			continue
		}
		seen++
		pkg := f[1]
		bytes, err1 := strconv.Atoi(f[7])
		allocs, err2 := strconv.Atoi(f[9])
		if err1 != nil || err2 != nil {
			t.Fatalf("unreadable inittrace line %q", sc.Text())
		}
		if e, ok := initExceptions[pkg]; ok {
			if bytes > e.bytes {
				t.Errorf("init of %s allocates %d bytes, more than its ceiling %d (%s)", pkg, bytes, e.bytes, e.why)
			}
			continue
		}
		if bytes > initBudgetBytes || allocs > initBudgetAllocs {
			t.Errorf("init of %s allocates %d bytes in %d allocations, over the budget of %d bytes and %d allocations: build its tables on first use",
				pkg, bytes, allocs, initBudgetBytes, initBudgetAllocs)
		}
	}
	if seen < 20 {
		t.Fatalf("GODEBUG=inittrace=1 printed %d init lines, want the toolbox's packages:\n%s", seen, stderr.String())
	}
}

// TestLinksNoProcfs keeps github.com/prometheus/procfs out of the toolbox: Go initialises
// every linked package, and procfs compiles 23 regexps in its init, about a third of the
// toolbox's whole start-up init. The applets read /proc through pkg/tools/internal/procfile.
func TestLinksNoProcfs(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-tags", "nethttpomithttp2", "./cmd/ddebug-toolbox")
	cmd.Dir = filepath.Join("..", "..", "..")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps ./cmd/ddebug-toolbox: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list -deps ./cmd/ddebug-toolbox listed %d packages:\n%s", len(deps), out)
	}
	for _, p := range deps {
		if strings.HasPrefix(p, "github.com/prometheus/procfs") {
			t.Errorf("the toolbox links %s: read /proc through pkg/tools/internal/procfile", p)
		}
	}
}
