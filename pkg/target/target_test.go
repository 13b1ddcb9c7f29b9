package target

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseReference(t *testing.T) {
	cases := []struct {
		in   string
		want Reference
		err  string
	}{
		{"app", Reference{Name: "app"}, ""},
		{"4f3a", Reference{Name: "4f3a"}, ""},
		{"docker://app", Reference{Scheme: "docker", Name: "app"}, ""},
		{"docker:///app", Reference{Scheme: "docker", Name: "app"}, ""},
		{"pid://12345", Reference{Scheme: "pid", Name: "12345"}, ""},
		{"", Reference{}, "bad target reference: empty"},
		{"pid://x", Reference{}, "want pid://N"},
		{"pid://-3", Reference{}, "want pid://N"},
		{"docker://", Reference{}, "want docker://NAME"},
		{"foo://bar", Reference{}, `unknown runtime "foo"`},
		{"pod/web", Reference{}, "no spaces, slashes or colons"},
	}
	for _, c := range cases {
		got, err := ParseReference(c.in)
		if c.err != "" {
			if err == nil || !errors.Is(err, ErrBadReference) || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseReference(%q) error %v, want ErrBadReference containing %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseReference(%q): %v", c.in, err)
			continue
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("ParseReference(%q) (-want +got):\n%s", c.in, d)
		}
		if got.String() != c.in && "docker:///app" != c.in {
			t.Errorf("String() = %q, want %q", got.String(), c.in)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"web", "webapp", "db", "ddebug-e2e-scratch", "api"}
	cases := map[string][]string{
		"wbe":                {"web"},
		"web1":               {"web"},
		"ddebug-e2e-scrach":  {"ddebug-e2e-scratch"},
		"DB":                 {"db"},
		"something-else-far": nil,
	}
	for in, want := range cases {
		got := Suggest(in, names)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("Suggest(%q) (-want +got):\n%s", in, d)
		}
	}
}

func TestParseStat(t *testing.T) {
	// comm may contain spaces and parentheses.
	line := "42 (my (odd) prog) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 10 18446744073709551615"
	got, err := parseStat(line)
	if err != nil {
		t.Fatal(err)
	}
	if want := (ProcStat{Comm: "my (odd) prog", State: "S", StartTime: 98765}); got != want {
		t.Errorf("parseStat = %+v, want %+v", got, want)
	}
	if _, err := parseStat("42 (x) S 1"); err == nil {
		t.Error("short stat line parsed")
	}
}

func TestPIDResolver(t *testing.T) {
	self := os.Getpid()
	tg, err := PIDResolver{}.Resolve(context.Background(), Reference{Scheme: SchemePID, Name: strconv.Itoa(self)})
	if err != nil {
		t.Fatal(err)
	}
	if tg.PID != self || tg.StartTime == 0 || tg.Runtime != SchemePID || tg.Ref() != "pid://"+strconv.Itoa(self) {
		t.Errorf("Resolve(self) = %+v", tg)
	}
	_, err = PIDResolver{}.Resolve(context.Background(), Reference{Scheme: SchemePID, Name: "4194303"})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Resolve(no such pid) = %v, want ErrNotFound", err)
	}
}

func TestRegistryDefaultScheme(t *testing.T) {
	r := NewRegistry("fake")
	r.Register("fake", resolverFunc(func(_ context.Context, ref Reference) (Target, error) {
		return Target{Name: ref.Name, Runtime: "fake"}, nil
	}))
	got, err := r.Resolve(context.Background(), "app")
	if err != nil || got.Name != "app" || got.Runtime != "fake" {
		t.Errorf("bare name: %+v, %v", got, err)
	}
	if _, err := r.Resolve(context.Background(), "docker://app"); !errors.Is(err, ErrBadReference) {
		t.Errorf("unregistered scheme: %v, want ErrBadReference", err)
	}
}

type resolverFunc func(context.Context, Reference) (Target, error)

func (f resolverFunc) Resolve(ctx context.Context, r Reference) (Target, error) { return f(ctx, r) }
