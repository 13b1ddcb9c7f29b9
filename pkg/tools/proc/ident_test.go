//go:build linux

package proc

import (
	"strconv"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// TestIdentityWithoutName runs whoami, id and groups as a uid that /etc/passwd does not
// name (as in a distroless image without one): they print numbers rather than fail.
func TestIdentityWithoutName(t *testing.T) {
	const id = 54321
	db := userdb.Load("/")
	if _, ok := db.UserName(id); ok {
		t.Skipf("uid %d has a name here", id)
	}
	if _, ok := db.GroupName(id); ok {
		t.Skipf("gid %d has a name here", id)
	}
	n := strconv.Itoa(id)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"whoami"}, n + "\n"},
		{[]string{"id", "-un"}, n + "\n"},
		{[]string{"groups"}, n + "\n"},
		{[]string{"id"}, "uid=" + n + " gid=" + n + " groups=" + n + "\n"},
	} {
		out, stderr, code := toolstest.Status(t, toolstest.CommandAs(t, id, id, tc.args...))
		if code != 0 || out != tc.want {
			t.Errorf("%v as uid %d = %d %q (stderr %q), want %q", tc.args, id, code, out, stderr, tc.want)
		}
	}
}
