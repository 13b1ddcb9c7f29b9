package mountinfo

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMountinfo(t *testing.T) {
	data := "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n" +
		"30 22 0:5 /sub /mnt/with\\040space ro,nosuid - tmpfs none rw,size=10k\n"
	got, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{ID: 22, Parent: 1, Root: "/", Target: "/", VFSOptions: "rw,relatime", SuperOptions: "rw,errors=remount-ro", FSType: "ext4", Source: "/dev/sda1"},
		{ID: 30, Parent: 22, Root: "/sub", Target: "/mnt/with space", VFSOptions: "ro,nosuid", SuperOptions: "rw,size=10k", FSType: "tmpfs", Source: "none"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseMountinfo (-want +got):\n%s", diff)
	}
	if o := got[1].Options(); o != "ro,nosuid,size=10k" {
		t.Errorf("options = %q", o)
	}
	if _, err := Parse("garbage\n"); err == nil {
		t.Error("Parse(garbage) succeeded")
	}
}
