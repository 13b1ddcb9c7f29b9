package userdb

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestLoad(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	passwd := "root:x:0:0:root:/root:/bin/sh\n# comment\nbroken line\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n"
	group := "root:x:0:\nwheel:x:10:nonroot,other\nnonroot:x:65532:\n"
	for name, body := range map[string]string{"passwd": passwd, "group": group} {
		if err := os.WriteFile(filepath.Join(root, "etc", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := Load(root)
	wantUsers := []User{
		{Name: "root", UID: 0, GID: 0, Home: "/root", Shell: "/bin/sh"},
		{Name: "nonroot", UID: 65532, GID: 65532, Home: "/home/nonroot", Shell: "/sbin/nologin"},
	}
	if diff := cmp.Diff(wantUsers, db.Users, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	tests := []struct{ got, want string }{
		{db.UserOrID(65532), "nonroot"},
		{db.UserOrID(1234), "1234"},
		{db.GroupOrID(10), "wheel"},
		{db.GroupOrID(99), "99"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	if diff := cmp.Diff([]int{10}, db.SupplementaryGroups("nonroot")); diff != "" {
		t.Errorf("SupplementaryGroups (-want +got):\n%s", diff)
	}
	for _, g := range []struct {
		in  string
		gid int
		ok  bool
	}{{"wheel", 10, true}, {"77", 77, true}, {"nosuch", 0, false}, {"-1", 0, false}} {
		if gid, ok := db.LookupGroup(g.in); gid != g.gid || ok != g.ok {
			t.Errorf("LookupGroup(%q) = %d, %v, want %d, %v", g.in, gid, ok, g.gid, g.ok)
		}
	}
}

func TestLoadEmptyRoot(t *testing.T) {
	db := Load(t.TempDir())
	if got := db.UserOrID(0); got != "0" {
		t.Errorf("UserOrID(0) in a root without /etc = %q, want \"0\"", got)
	}
}

// TestLoadHostileFiles: a passwd that is a FIFO (which a plain open would wait on for
// ever) is skipped, as a missing one is, and the group file beside it is still read.
func TestLoadHostileFiles(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "etc", "passwd"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "etc", "group"), []byte("wheel:x:10:\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan *DB, 1)
	go func() { done <- Load(root) }()
	select {
	case db := <-done:
		if len(db.Users) != 0 || db.GroupOrID(10) != "wheel" {
			t.Errorf("got users %v, group 10 %q; want no users, group wheel", db.Users, db.GroupOrID(10))
		}
	case <-time.After(time.Second):
		t.Fatal("Load did not return within a second: it opened the FIFO")
	}
}
