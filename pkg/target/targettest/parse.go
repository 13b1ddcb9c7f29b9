package targettest

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

// ReferenceCase is one target reference and what Registry.Parse makes of it.
type ReferenceCase struct {
	In   string
	Want target.Reference
	// Err is a part of the error's text; the error must be target.ErrBadReference.
	Err string
	// String, when set, is what the parsed reference's String() must say.
	String string
}

// CheckParse parses each case with r.
func CheckParse(t *testing.T, r *target.Registry, cases []ReferenceCase) {
	t.Helper()
	for _, c := range cases {
		got, err := r.Parse(c.In)
		if c.Err != "" {
			if err == nil || !errors.Is(err, target.ErrBadReference) || !strings.Contains(err.Error(), c.Err) {
				t.Errorf("ParseReference(%q) error %v, want ErrBadReference containing %q", c.In, err, c.Err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseReference(%q): %v", c.In, err)
			continue
		}
		if d := cmp.Diff(c.Want, got); d != "" {
			t.Errorf("ParseReference(%q) (-want +got):\n%s", c.In, d)
		}
		if c.String != "" && got.String() != c.String {
			t.Errorf("String() = %q, want %q", got.String(), c.String)
		}
	}
}
