//go:build linux

package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// xzUtils compresses data with Debian's xz and the given options.
func xzUtils(t *testing.T, data string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(gnu(t, "xz", "xz-utils"), append([]string{"-c"}, args...)...)
	cmd.Stdin = strings.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xz %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// xzDecode decodes b with our reader.
func xzDecode(b []byte) ([]byte, error) {
	r, err := newXzReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// xzTestData is compressible text with some variety.
func xzTestData(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "line %d: the quick brown fox %d jumps over the lazy dog %x\n", i, i*i, i*7919)
	}
	return b.String()
}

// TestXzFormatDecodesXzUtils decodes what Debian's xz writes at every preset and check,
// multi-threaded (sizes in the block headers) or not, concatenated streams with stream
// padding, and empty input.
func TestXzFormatDecodesXzUtils(t *testing.T) {
	data := xzTestData(300 << 10)
	for _, args := range [][]string{
		{"-0"}, {"-6"}, {"-9"}, {"-e"}, {"-0", "--check=none"}, {"-1", "--check=crc32"}, {"-1", "--check=crc64"},
		{"-1", "--check=sha256"}, {"-1", "-T2", "--block-size=65536"}, {"-1", "--block-size=100000", "-T1"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			got, err := xzDecode(xzUtils(t, data, args...))
			if err != nil || string(got) != data {
				t.Errorf("decoding xz %s: %v, %d bytes, want %d", strings.Join(args, " "), err, len(got), len(data))
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		got, err := xzDecode(xzUtils(t, ""))
		if err != nil || len(got) != 0 {
			t.Errorf("decoding xz of empty input: %v, %d bytes", err, len(got))
		}
	})
	t.Run("streams", func(t *testing.T) {
		a, b := xzUtils(t, "first\n", "--check=crc32"), xzUtils(t, "second\n", "--check=sha256")
		multi := append(append(append(append([]byte{}, a...), 0, 0, 0, 0), b...), 0, 0, 0, 0, 0, 0, 0, 0)
		got, err := xzDecode(multi)
		if err != nil || string(got) != "first\nsecond\n" {
			t.Errorf("decoding two streams with padding: %v, %q", err, got)
		}
		if _, err := xzDecode(append(append([]byte{}, a...), 0, 0)); !errors.Is(err, errXzTruncated) {
			t.Errorf("stream padding of 2 bytes: %v, want %v", err, errXzTruncated)
		}
		if _, err := xzDecode(append(append([]byte{}, a...), "junkjunkjunkjunk"...)); !errors.Is(err, errXzCorrupt) {
			t.Errorf("junk after a stream: %v, want %v", err, errXzCorrupt)
		}
	})
}

// TestXzFormatEncodes has Debian's xz decode ours (which verifies the index, the footer
// and the CRC-64 check), empty input too, and ours too.
func TestXzFormatEncodes(t *testing.T) {
	xz := gnu(t, "xz", "xz-utils")
	for _, data := range []string{"", "a", xzTestData(200 << 10)} {
		var buf bytes.Buffer
		w, err := newXzWriter(&buf, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, strings.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(xz, "-dc")
		cmd.Stdin = bytes.NewReader(buf.Bytes())
		if out, err := cmd.Output(); err != nil || string(out) != data {
			t.Errorf("xz -dc of ours (%d bytes in): %v, %d bytes", len(data), err, len(out))
		}
		if got, err := xzDecode(buf.Bytes()); err != nil || string(got) != data {
			t.Errorf("our decoding of ours: %v", err)
		}
	}
}

// TestXzFormatCorrupt changes each byte of a file in turn, and cuts it at every offset:
// every change is an error (each part has a CRC, a check or a fixed value), every cut
// too, and none panics.
func TestXzFormatCorrupt(t *testing.T) {
	data := xzTestData(20 << 10)
	for _, args := range [][]string{{"-0"}, {"-0", "-T2", "--block-size=8000"}, {"-0", "--check=sha256"}, {"-0", "--check=crc32"}} {
		valid := xzUtils(t, data, args...)
		for i := range valid {
			b := bytes.Clone(valid)
			b[i] ^= 0x55
			got, err := xzDecode(b)
			if err == nil {
				t.Errorf("xz %s, byte %d of %d changed: decoded %d bytes without an error", strings.Join(args, " "), i, len(b), len(got))
			}
			if _, err := xzDecode(valid[:i]); err == nil {
				t.Errorf("xz %s cut at %d of %d: no error", strings.Join(args, " "), i, len(valid))
			} else if !errors.Is(err, errXzTruncated) && !(i < 12 && errors.Is(err, errXzFormat)) {
				t.Errorf("xz %s cut at %d of %d: %v, want %v", strings.Join(args, " "), i, len(valid), err, errXzTruncated)
			}
		}
	}
}

// TestXzFormatFilters: a filter other than LZMA2 is an error naming it.
func TestXzFormatFilters(t *testing.T) {
	b := xzUtils(t, xzTestData(10<<10), "--x86", "--lzma2=preset=0")
	_, err := xzDecode(b)
	if !errors.Is(err, errXzUnsupported) || !strings.Contains(err.Error(), "filter 0x04") {
		t.Fatalf("decoding an x86 BCJ file: %v, want an error naming filter 0x04", err)
	}
	if got := xzReason(err); !strings.HasPrefix(got, "Unsupported options: filter 0x04") {
		t.Errorf("xzReason: %q", got)
	}
}

// TestXzFormatMessages: truncated and corrupt files get xz-utils' words and status.
func TestXzFormatMessages(t *testing.T) {
	valid := xzUtils(t, xzTestData(20<<10), "-0")
	bad := bytes.Clone(valid)
	bad[len(bad)/2] ^= 1
	for _, tc := range []struct{ name, data string }{
		{"cut.xz", string(valid[:len(valid)-10])}, {"bad.xz", string(bad)},
	} {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{tc.name: tc.data})
		_, stderr, code := run(t, dir, "", "xz", "-dc", tc.name)
		_, gnuCode := runGNU(t, dir, "", gnu(t, "xz", "xz-utils"), "-dc", tc.name)
		if code != gnuCode || code == 0 {
			t.Errorf("xz -dc %s: status %d, xz-utils' %d", tc.name, code, gnuCode)
		}
		want := map[string]string{"cut.xz": "xz: cut.xz: Unexpected end of input\n", "bad.xz": "xz: bad.xz: Compressed data is corrupt\n"}[tc.name]
		if stderr != want {
			t.Errorf("xz -dc %s: stderr %q, want %q", tc.name, stderr, want)
		}
	}
}
