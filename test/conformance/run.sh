#!/usr/bin/env bash
# test/conformance/run.sh [TOOLBOX]: BusyBox's own testsuites against the toolbox, run the
# way BusyBox runs them on itself (make conformance).
#
#   - the applet testsuite: testsuite/runtest APPLET for each applet of $APPLETS, with the
#     toolbox linked as busybox at the top of the tree (old-style cases call `busybox APPLET ...`, new-style
#     ones find links named after each applet first on PATH) and Debian's busybox-static
#     .config (the features a case needs);
#   - the ash tests: shell/ash_test/run-all per area (all but ash-z_slow), $THIS_SH being the
#     toolbox linked as ash.
#
# The suites are data, never committed: BUSYBOX_SRC names a source tree (a BusyBox checkout
# plus a .config), or Debian bookworm's busybox source package is fetched with apt-get
# source (a private deb-src list; the system's apt configuration is not touched) and
# extracted once into ~/.cache/kubectl-ddebug/busybox-src/VERSION.
#
# It prints each applet's and each area's score, then the two lines of issue 17's table, and
# fails when a case fails that test/conformance/known-failures does not list (with its
# reason), or when a score drops below test/conformance/floor. Logs: _output/conformance.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
toolbox=$(realpath "${1:-$root/bin/ddebug-toolbox}")
subset=${APPLETS:-}${AREAS:-} # a subset (APPLETS=..., AREAS=...) is not held to the floors
# The 46 applets of issue 17's table, BusyBox's own score on them being the goal; then the
# suites of applets added since, scored on a line of their own so that the first line stays
# comparable with BusyBox's.
table="cat head tail grep find wc du sort uniq cut tr sed awk tee xargs cp mv rm mkdir rmdir touch chmod ln readlink realpath basename dirname tar gzip gunzip base64 sha256sum md5sum sha1sum hexdump xxd strings diff stat id hostname uname date sleep env printenv pidof ls ps"
added="od cmp dd expr taskset sha3sum cpio patch"
APPLETS=${APPLETS:-"$table $added"}
AREAS=${AREAS:-}
[ -z "${AREAS_ONLY:-}" ] || APPLETS=" "
cache=${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-ddebug/busybox-src
out=$root/_output/conformance

die() { echo "conformance: $*" >&2; exit 1; }
[ -x "$toolbox" ] || die "no toolbox at $toolbox: run make build first"
for t in gcc timeout; do
	command -v $t >/dev/null || die "$t is needed (the ash tests compile their helpers): apt-get install $t"
done

# fetch_debian_source extracts Debian bookworm's busybox source package into $cache/VERSION
# and prints that directory; a version already extracted is reused without any network.
fetch_debian_source() {
	local have
	have=$(ls -d "$cache"/*/testsuite 2>/dev/null | sort -V | tail -1)
	if [ -n "$have" ]; then
		dirname "$have"
		return
	fi
	command -v dpkg-source >/dev/null || die "dpkg-source is needed to unpack BusyBox's source package: apt-get install dpkg-dev"
	local tmp
	tmp=$(mktemp -d) || die "no temporary directory"
	trap 'rm -rf "$tmp"' RETURN
	mkdir -p "$tmp/sources.list.d" "$tmp/lists/partial" "$tmp/archives/partial"
	cat >"$tmp/sources.list.d/busybox-src.sources" <<-EOF
		Types: deb-src
		URIs: http://deb.debian.org/debian
		Suites: bookworm
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	local apt=(apt-get -qq -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$tmp/sources.list.d"
		-o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache::Archives=$tmp/archives" -o Debug::NoLocking=1)
	"${apt[@]}" update >&2 || die "apt-get update of bookworm's deb-src index failed (is deb.debian.org reachable?)"
	(cd "$tmp" && "${apt[@]}" source --download-only busybox >&2) || die "apt-get source busybox failed"
	local dsc version
	dsc=$(ls "$tmp"/busybox_*.dsc | head -1)
	version=$(basename "$dsc" .dsc)
	version=${version#busybox_}
	(cd "$tmp" && dpkg-source -x "$dsc" src >/dev/null) || die "dpkg-source -x $dsc failed"
	cp "$tmp/src/debian/config/pkg/static" "$tmp/src/.config" || die "no busybox-static .config in $dsc"
	mkdir -p "$cache"
	rm -rf "$cache/$version"
	mv "$tmp/src" "$cache/$version"
	echo "$cache/$version"
}

src=${BUSYBOX_SRC:-$(fetch_debian_source)} || exit 1
[ -f "$src/testsuite/runtest" ] && [ -f "$src/shell/ash_test/run-all" ] || die "$src holds no BusyBox testsuite"
[ -f "$src/.config" ] || die "$src/.config is missing (BusyBox's build configuration: the features a case needs)"

rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d) || die "no temporary directory"
# On any exit, the suites still running go too: each runs under timeout(1), which makes a
# process group of its own, so a killed harness would otherwise leave them running against a
# deleted tree (seen: a runtest left behind forked without end). timeout passes TERM on.
trap 'pkill -TERM -P $$ timeout 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cp -a "$src" "$work/src"
# BusyBox's layout: the binary at the top of the source tree, beside .config (runtest's
# bindir; some cases name it as ../../busybox from their directory).
# A copy, not a link: a rebuild of bin/ddebug-toolbox during the run must not swap the
# binary under the suites (a half-written file that fails exec with ENOEXEC is run as a
# shell script by sh).
cp "$toolbox" "$work/src/busybox" || die "copying $toolbox"
# taskset's set_aff case runs $SHELL: a CI runner may have none set, which BusyBox's own
# runs never meet, so the suites always get /bin/sh.
export SHELL=/bin/sh
unset LANG LANGUAGE LC_ALL LC_COLLATE LC_CTYPE LC_MESSAGES LC_NUMERIC LC_TIME LC_MONETARY
# The suites run with every signal at its default action and none blocked: ash-signals
# cases read their own SigIgn, and a CI runner, nohup or a background job would otherwise
# pass its ignored signals (even glibc's 32, which no shell can reset) on to them.
defaultsignals=$work/defaultsignals
(cd "$root" && go build -o "$defaultsignals" ./test/conformance/defaultsignals) || die "building test/conformance/defaultsignals failed"
results=$out/results # lines: pass|fail KEY, KEY being APPLET/CASE or AREA/FILE.tests

# The applet testsuite, one runtest per applet so that each case is known by its applet.
for applet in $APPLETS; do
	log=$out/applet-$applet.log
	(cd "$work/src/testsuite" && bindir=$work/src tsdir=$work/src/testsuite \
		"$defaultsignals" timeout -k 5 900 ./runtest -v "$applet") </dev/null >"$log" 2>&1
	rc=$?
	# A case's name is its first line; a carriage return in it is written \r.
	awk -v a="$applet" '/^(PASS|FAIL): /{ s = tolower(substr($1, 1, 4)); sub(/^(PASS|FAIL): /, ""); gsub(/\r/, "\\r"); print s " " a "/" $0 }' "$log" >>"$results"
	[ $rc -eq 124 ] || [ $rc -eq 137 ] && echo "fail $applet/(timed out after 900s: cases after the last one logged)" >>"$results"
done

# The ash tests, one run-all per area: a hang loses that area's remaining cases, not all.
cd "$work/src/shell/ash_test" || die "no shell/ash_test"
ln -s "$work/src/busybox" ash
cp "$src/.config" .config
areas=$AREAS
[ -n "$areas" ] || areas=$(ls -d ash-* | grep -vx ash-z_slow)
for area in $areas; do
	log=$out/$area.log
	"$defaultsignals" timeout -k 5 600 sh ./run-all "$area" </dev/null >"$log" 2>&1
	rc=$?
	tr -d '\r' <"$log" | awk '/^ash-[^ ]*: (ok|fail)$/{ k = $1; sub(/:$/, "", k); print $2 " " k }' |
		sed 's/^ok /pass /' >>"$results"
	[ $rc -eq 124 ] || [ $rc -eq 137 ] && echo "fail $area/(timed out after 600s: $(tail -c 200 "$log" | tail -1))" >>"$results"
	cp "$work/src/shell/ash_test/$area"-*.fail "$out/" 2>/dev/null
done
cp "$work/src/shell/ash_test/"*.fail "$out/" 2>/dev/null

# Scores, per applet and area, then the two lines of the table.
tally() { awk '{ split($2, p, "/"); n[p[1]]++; if ($1 == "pass") ok[p[1]]++ } END { for (k in n) printf "  %-12s %3d/%d\n", k, ok[k], n[k] }' | sort; }
echo "BusyBox $(basename "$src") testsuites, toolbox $toolbox"
echo "per applet:"
grep -v ' ash-' "$results" | tally
echo "per shell area:"
grep ' ash-' "$results" | tally
# score SET pass|fail: how many of the applet cases of SET's applets did so.
score() { awk -v set=" $1 " -v want="$2" '$2 !~ /^ash-/ { split($2, p, "/"); if (index(set, " " p[1] " ") && $1 == want) n++ } END { print n + 0 }' "$results"; }
applet_pass=$(score "$table" pass)
applet_fail=$(score "$table" fail)
added_pass=$(score "$added" pass)
added_fail=$(score "$added" fail)
ash_pass=$(grep ' ash-' "$results" | grep -c '^pass ')
ash_fail=$(grep ' ash-' "$results" | grep -c '^fail ')
echo "applet testsuite: $applet_pass passed, $applet_fail failed"
echo "applet testsuite, applets added since ($added): $added_pass passed, $added_fail failed"
echo "ash tests on sh: $ash_pass passed, $ash_fail failed"

# The verdict: every failure is listed with a reason, and no score is below its floor.
# known-failures: "reason: WHY" lines, each followed by the KEYs it explains.
status=0
known=$(awk '/^reason: /{ r = 1; next } /^#/ || /^$/ { next } r { print }' "$here/known-failures")
unlisted=$(grep '^fail ' "$results" | cut -d' ' -f2- | grep -vxF -f <(printf '%s\n' "$known"))
if [ -n "$unlisted" ]; then
	echo "conformance: failing cases not in test/conformance/known-failures (fix them, or list them with a reason):"
	echo "$unlisted" | sed 's/^/  /'
	status=1
fi
fixed=$(grep '^pass ' "$results" | cut -d' ' -f2- | grep -xF -f <(printf '%s\n' "$known"))
if [ -n "$fixed" ]; then
	echo "conformance: now passing, drop from test/conformance/known-failures and raise the floor:"
	echo "$fixed" | sed 's/^/  /'
fi
read -r floor_applet floor_added floor_ash < <(awk '$1 == "applet" { a = $2 } $1 == "added" { d = $2 } $1 == "ash" { s = $2 } END { print a, d + 0, s }' "$here/floor")
if [ -z "$subset" ]; then
	[ "$applet_pass" -ge "$floor_applet" ] || { echo "conformance: applet testsuite passed $applet_pass, below the floor $floor_applet"; status=1; }
	[ "$added_pass" -ge "$floor_added" ] || { echo "conformance: added applets' suites passed $added_pass, below the floor $floor_added"; status=1; }
	[ "$ash_pass" -ge "$floor_ash" ] || { echo "conformance: ash tests passed $ash_pass, below the floor $floor_ash"; status=1; }
fi
exit $status
