package spelling

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSuggest(t *testing.T) {
	names := []string{"web", "webapp", "db", "ddebug-e2e-scratch", "api", "web-7d4b9-xk2lp"}
	cases := map[string][]string{
		"wbe":                {"web"},
		"web1":               {"web"},
		"we":                 {"web", "web-7d4b9-xk2lp", "webapp"},
		"ddebug-e2e-scrach":  {"ddebug-e2e-scratch"},
		"DB":                 {"db"},
		"something-else-far": nil,
		"":                   nil,
	}
	for in, want := range cases {
		if d := cmp.Diff(want, Suggest(in, names, 3)); d != "" {
			t.Errorf("Suggest(%q) (-want +got):\n%s", in, d)
		}
	}
}
