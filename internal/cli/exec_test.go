package cli

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
)

func TestParseUser(t *testing.T) {
	cases := []struct {
		in   string
		want nsenter.Identity
		err  bool
	}{
		{"1000", nsenter.Identity{Mode: nsenter.IdentityUser, UID: 1000}, false},
		{"1000:2000", nsenter.Identity{Mode: nsenter.IdentityUser, UID: 1000, GID: 2000, HasGID: true}, false},
		{"0", nsenter.Identity{Mode: nsenter.IdentityRoot}, false},
		{"0:5", nsenter.Identity{Mode: nsenter.IdentityUser, UID: 0, GID: 5, HasGID: true}, false},
		{"nobody", nsenter.Identity{}, true},
		{"1:x", nsenter.Identity{}, true},
	}
	for _, c := range cases {
		got, err := parseUser(c.in)
		if (err != nil) != c.err {
			t.Errorf("parseUser(%q) error %v, want error %v", c.in, err, c.err)
			continue
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("parseUser(%q) (-want +got):\n%s", c.in, d)
		}
	}
}

func TestExecValidate(t *testing.T) {
	cases := []struct {
		name string
		o    ExecOptions
		err  string
	}{
		{"plain", ExecOptions{Target: "app"}, ""},
		{"two identities", ExecOptions{Target: "app", Privileged: true, User: "1"}, "exclude each other"},
		{"tty twice", ExecOptions{Target: "app", TTY: true, NoTTY: true}, "exclude each other"},
		{"bad target", ExecOptions{Target: "x://y"}, "unknown runtime"},
		{"bad user", ExecOptions{Target: "app", User: "root"}, "numeric"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.o.Validate()
			if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
				t.Errorf("Validate() = %v, want %q", err, c.err)
			}
		})
	}
}

func TestSanitize(t *testing.T) {
	cases := map[string]string{
		"plain name":           "plain name",
		"evil\x1b]0;title\x07": `evil\x1b]0;title\x07`,
		"line\nbreak\r":        `line\x0abreak\x0d`,
		"tab\tok":              "tab\tok",
		"bidi\u202etxt.exe":    `bidi\u202etxt.exe`,
		"c1 \u009b31m":         `c1 \x9b31m`,
		"ünïcödé is fine, 日本語": "ünïcödé is fine, 日本語",
	}
	for in, want := range cases {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMainExitStatus(t *testing.T) {
	if got := Main("ddebug", []string{"exec", "--privileged", "--as-target", "app"}); got != ExitFailure {
		t.Errorf("Main with conflicting flags = %d, want %d", got, ExitFailure)
	}
	if got := Main("ddebug", []string{"version"}); got != 0 {
		t.Errorf("Main version = %d, want 0", got)
	}
}
