package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/humanize"
)

// Dd is dd [OPERAND]...: copy a file block by block, converting as it goes, as GNU dd.
//
//	if=FILE of=FILE      read FILE instead of stdin, write FILE instead of stdout
//	bs= ibs= obs=        block sizes (512 by default; bs= writes each block as read)
//	count= skip= seek=   blocks to copy, to skip in the input, to seek in the output
//	conv=notrunc,sync,noerror,fsync,fdatasync,lcase,ucase,swab,excl,nocreat
//	iflag=fullblock,skip_bytes,count_bytes  oflag=append,seek_bytes  status=none,noxfer,progress
var Dd = tools.Applet{Name: "dd", Summary: "copy and convert a file block by block", Run: runDd}

const ddUsage = `dd [OPERAND]...
  bs=BYTES        read and write up to BYTES bytes at a time (default: 512)
  ibs=BYTES obs=BYTES   read, write BYTES bytes at a time
  count=N         copy only N input blocks      skip=N  skip N input blocks
  seek=N          skip N output blocks           if=FILE of=FILE  instead of stdin, stdout
  conv=CONVS      notrunc sync noerror fsync fdatasync lcase ucase swab excl nocreat
  iflag=FLAGS     fullblock skip_bytes count_bytes    oflag=FLAGS  append seek_bytes
  status=LEVEL    none, noxfer or progress
BYTES and N may have a suffix: c=1 w=2 b=512 kB=1000 K=1024 MB M GB G ..., or be NxM.`

type ddOpts struct {
	in, out               string
	ibs, obs              int64
	bs                    bool
	count, skip, seek     int64
	conv, iflag, oflag    map[string]bool
	status                string
	recIn, recInP, recOut int64
	recOutP, bytesOut     int64
}

// ddSize is dd's BYTES and N: c=1 w=2 b=512, kB=1000 K=1024 MB M ... (K and k, upper case
// above), or NxM.
var ddSize = humanize.SizeSyntax{Powers: "KMGTPE", Units: true, Blocks: true, Product: true}

// ddNumber parses a dd number: digits with an optional multiplier suffix, or NxM.
func ddNumber(v string) (int64, error) {
	n, err := humanize.ParseSize(v, ddSize)
	if errors.Is(err, humanize.ErrRange) {
		return 0, fmt.Errorf("invalid number: '%s': %v", v, humanize.ErrRange)
	}
	if err != nil {
		return 0, fmt.Errorf("invalid number: '%s'", v)
	}
	return n, nil
}

func parseDd(args []string) (*ddOpts, error) {
	o := &ddOpts{ibs: 512, obs: 512, count: -1, conv: map[string]bool{}, iflag: map[string]bool{}, oflag: map[string]bool{}}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			return nil, fmt.Errorf("unrecognized operand '%s'", a)
		}
		var err error
		num := func(dst *int64) {
			*dst, err = ddNumber(v)
		}
		flags := func(dst map[string]bool, allowed string) {
			for _, f := range strings.Split(v, ",") {
				if !strings.Contains(" "+allowed+" ", " "+f+" ") {
					err = fmt.Errorf("invalid %s: '%s'", map[string]string{"conv": "conversion", "iflag": "input flag", "oflag": "output flag"}[k], f)
					return
				}
				dst[f] = true
			}
		}
		switch k {
		case "if":
			o.in = v
		case "of":
			o.out = v
		case "bs":
			num(&o.ibs)
			o.obs, o.bs = o.ibs, true
		case "ibs":
			num(&o.ibs)
		case "obs":
			num(&o.obs)
		case "count":
			num(&o.count)
		case "skip", "iseek":
			num(&o.skip)
		case "seek", "oseek":
			num(&o.seek)
		case "conv":
			flags(o.conv, "notrunc sync noerror fsync fdatasync lcase ucase swab excl nocreat sparse")
		case "iflag":
			flags(o.iflag, "fullblock skip_bytes count_bytes direct dsync sync nonblock noatime nocache noctty nofollow binary text")
		case "oflag":
			flags(o.oflag, "append seek_bytes direct dsync sync nonblock noatime nocache noctty nofollow binary text")
		case "status":
			if v != "none" && v != "noxfer" && v != "progress" {
				err = fmt.Errorf("invalid status level: '%s'", v)
			}
			o.status = v
		default:
			return nil, fmt.Errorf("unrecognized operand '%s'", a)
		}
		if err != nil {
			return nil, err
		}
	}
	if o.ibs <= 0 || o.obs <= 0 {
		return nil, fmt.Errorf("invalid number: '0'")
	}
	if o.conv["lcase"] && o.conv["ucase"] {
		return nil, fmt.Errorf("cannot combine lcase and ucase")
	}
	if o.conv["excl"] && o.conv["nocreat"] {
		return nil, fmt.Errorf("cannot combine excl and nocreat")
	}
	return o, nil
}

func runDd(ctx context.Context, env *tools.Env, args []string) int {
	if len(args) > 1 && args[1] == "--help" {
		return tools.Usage(env, ddUsage)
	}
	if len(args) > 1 && args[1] == "--" {
		args = args[1:]
	}
	o, err := parseDd(args[1:])
	if err != nil {
		env.Errorf("dd", "%v", err)
		if !strings.HasPrefix(err.Error(), "invalid number") && !strings.HasPrefix(err.Error(), "cannot") {
			fmt.Fprintln(env.Stderr, "Try 'dd --help' for more information.")
		}
		return 1
	}
	start := time.Now()
	st, opened := o.copy(ctx, env)
	if opened && o.status != "none" {
		fmt.Fprintf(env.Stderr, "%d+%d records in\n%d+%d records out\n", o.recIn, o.recInP, o.recOut, o.recOutP)
		if o.status != "noxfer" {
			fmt.Fprintln(env.Stderr, ddXfer(o.bytesOut, time.Since(start).Seconds()))
		}
	}
	return st
}

// copy copies, counting records and bytes in o; opened is false when an operand could not
// be opened (then dd prints no statistics).
func (o *ddOpts) copy(ctx context.Context, env *tools.Env) (st int, opened bool) {
	var in io.Reader = env.Stdin
	inName := "standard input"
	if o.in != "" {
		f, err := os.Open(env.Abs(o.in))
		if err != nil {
			env.Errorf("dd", "failed to open '%s': %s", o.in, tools.Reason(err))
			return 1, false
		}
		defer f.Close()
		in, inName = f, "'"+o.in+"'"
	}
	var out io.Writer = env.Stdout
	outName := "standard output"
	var outFile *os.File
	seekBytes := o.seek * o.obs
	if o.oflag["seek_bytes"] {
		seekBytes = o.seek
	}
	if o.out != "" {
		flag := os.O_WRONLY | os.O_CREATE
		if o.conv["excl"] {
			flag |= os.O_EXCL
		}
		if o.conv["nocreat"] {
			flag &^= os.O_CREATE
		}
		if o.oflag["append"] {
			flag |= os.O_APPEND
		}
		f, err := os.OpenFile(env.Abs(o.out), flag, 0o666)
		if err != nil {
			env.Errorf("dd", "failed to open '%s': %s", o.out, tools.Reason(err))
			return 1, false
		}
		defer f.Close()
		out, outName, outFile = f, "'"+o.out+"'", f
		if !o.conv["notrunc"] && !o.oflag["append"] {
			if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
				if err := f.Truncate(seekBytes); err != nil {
					env.Errorf("dd", "failed to truncate to %d bytes in output file '%s': %s", seekBytes, o.out, tools.Reason(err))
					return 1, true
				}
			}
		}
		if seekBytes > 0 {
			if _, err := f.Seek(seekBytes, io.SeekStart); err != nil {
				env.Errorf("dd", "%s: cannot seek: %s", outName, tools.Reason(err))
				return 1, true
			}
		}
	} else if seekBytes > 0 {
		if s, ok := env.Stdout.(io.Seeker); ok {
			if _, err := s.Seek(seekBytes, io.SeekCurrent); err != nil {
				env.Errorf("dd", "standard output: cannot seek: %s", tools.Reason(err))
				return 1, true
			}
		} else if _, err := out.Write(make([]byte, seekBytes)); err != nil {
			env.Errorf("dd", "error writing 'standard output': %s", tools.Reason(err))
			return 1, true
		}
	}
	skipBytes := o.skip * o.ibs
	if o.iflag["skip_bytes"] {
		skipBytes = o.skip
	}
	if skipBytes > 0 {
		skipped := false
		if s, ok := in.(io.Seeker); ok {
			if _, err := s.Seek(skipBytes, io.SeekCurrent); err == nil {
				skipped = true
			}
		}
		if !skipped {
			n, err := io.CopyN(io.Discard, in, skipBytes)
			if err != nil && err != io.EOF {
				env.Errorf("dd", "error reading %s: %s", inName, tools.Reason(err))
				return 1, true
			}
			if n < skipBytes {
				env.Errorf("dd", "%s: cannot skip to specified offset", inName)
			}
		}
	}
	limit := int64(-1) // bytes left to read with count_bytes
	if o.count >= 0 && o.iflag["count_bytes"] {
		limit = o.count
	}
	// GNU dd reports a buffer it cannot allocate; Go would die of one (a size past its
	// largest allocation panics, one past memory and swap is fatal), so the sizes are
	// checked against what the machine has first.
	if avail := ddMemory(); o.ibs > avail {
		env.Errorf("dd", "memory exhausted by input buffer of size %d bytes (%s)", o.ibs, ddHuman(float64(o.ibs), 1024, "i", false))
		return 1, false
	} else if !o.bs && o.obs > avail {
		env.Errorf("dd", "memory exhausted by output buffer of size %d bytes (%s)", o.obs, ddHuman(float64(o.obs), 1024, "i", false))
		return 1, false
	}
	buf := make([]byte, o.ibs)
	var pending []byte // output not yet written, when not bs=
	write := func(p []byte) bool {
		n, err := out.Write(p)
		o.bytesOut += int64(n)
		if err != nil {
			env.Errorf("dd", "error writing %s: %s", outName, tools.Reason(err))
			return false
		}
		if int64(len(p)) == o.obs || o.bs && int64(len(p)) == o.ibs {
			o.recOut++
		} else {
			o.recOutP++
		}
		return true
	}
	for ctx.Err() == nil {
		if o.count >= 0 && limit < 0 && o.recIn+o.recInP >= o.count || limit == 0 {
			break
		}
		want := buf
		if limit > 0 && limit < int64(len(want)) {
			want = want[:limit]
		}
		var n int
		var err error
		if o.iflag["fullblock"] {
			n, err = io.ReadFull(in, want)
		} else {
			n, err = in.Read(want)
			for n == 0 && err == nil {
				n, err = in.Read(want)
			}
		}
		if err == io.ErrUnexpectedEOF {
			err = nil
		}
		if err != nil && err != io.EOF {
			env.Errorf("dd", "error reading %s: %s", inName, tools.Reason(err))
			st = 1
			if !o.conv["noerror"] {
				break
			}
			if n == 0 {
				continue
			}
		}
		if n == 0 {
			break
		}
		if limit > 0 {
			limit -= int64(n)
		}
		if int64(n) == o.ibs {
			o.recIn++
		} else {
			o.recInP++
		}
		blk := buf[:n]
		if o.conv["sync"] && int64(n) < o.ibs {
			for i := n; i < len(buf); i++ {
				buf[i] = 0
			}
			blk = buf
		}
		ddConvert(blk, o.conv)
		if o.bs {
			if !write(blk) {
				return 1, true
			}
			continue
		}
		pending = append(pending, blk...)
		for int64(len(pending)) >= o.obs {
			if !write(pending[:o.obs]) {
				return 1, true
			}
			pending = pending[o.obs:]
		}
	}
	if len(pending) > 0 && !write(pending) {
		return 1, true
	}
	if outFile != nil && (o.conv["fsync"] || o.conv["fdatasync"]) {
		if err := outFile.Sync(); err != nil {
			env.Errorf("dd", "fsync failed for %s: %s", outName, tools.Reason(err))
			return 1, true
		}
	}
	if ctx.Err() != nil {
		return 1, true
	}
	return st, true
}

func ddConvert(b []byte, conv map[string]bool) {
	if conv["swab"] {
		for i := 0; i+1 < len(b); i += 2 {
			b[i], b[i+1] = b[i+1], b[i]
		}
	}
	switch {
	case conv["lcase"]:
		for i, c := range b {
			if c >= 'A' && c <= 'Z' {
				b[i] = c + 32
			}
		}
	case conv["ucase"]:
		for i, c := range b {
			if c >= 'a' && c <= 'z' {
				b[i] = c - 32
			}
		}
	}
}

// ddXfer is GNU dd's last line: bytes, their size in SI and IEC units, time and rate.
func ddXfer(n int64, secs float64) string {
	si, iec := ddHuman(float64(n), 1000, "", false), ddHuman(float64(n), 1024, "i", false)
	var s string
	switch {
	case n < 1000:
		s = fmt.Sprintf("%d bytes copied", n)
	case n < 1024:
		s = fmt.Sprintf("%d bytes (%s) copied", n, si)
	default:
		s = fmt.Sprintf("%d bytes (%s, %s) copied", n, si, iec)
	}
	rate := "Infinity B/s"
	if secs > 0 {
		r := float64(n) / secs
		if r < 1000 {
			r /= 1000
			rate = ddRound(r, true) + " kB/s"
		} else {
			rate = ddHuman(r, 1000, "", true) + "/s"
		}
	}
	return fmt.Sprintf("%s, %s s, %s", s, strconv.FormatFloat(secs, 'g', 6, 64), rate)
}

// ddHuman scales v to its largest unit (k, M, G, ... of base) and rounds it as GNU's
// human_readable: one decimal under 10 (under 100 for a rate, which it computes in
// floating point), none above.
func ddHuman(v float64, base float64, i string, rate bool) string {
	units := "kMGTPE"
	if i != "" {
		units = "KMGTPE"
	}
	u := -1
	for v >= base && u < len(units)-1 {
		v /= base
		u++
	}
	if u < 0 {
		return fmt.Sprintf("%.0f B", v)
	}
	return ddRound(v, rate) + " " + string(units[u]) + i + "B"
}

func ddRound(v float64, rate bool) string {
	s := fmt.Sprintf("%.1f", v)
	if len(s) > 4 || !rate && len(s) > 3 {
		s = fmt.Sprintf("%.0f", v)
	}
	return s
}
