// Package tools is the toolbox's applet contract: Env (the streams, directory and
// environment an applet may use), Applet and its table (Install, Lookup), and what every
// applet shares: RunCommand/LookPath to run another command, Operands to read FILE
// operands in turn with GNU-worded errors, Reason for GNU-worded errors,
// CopyContext for copies that stop on Ctrl-C, TerminalReader, AsOwnerOf.
//
// Applets never touch the process-wide state a shell shares with them: they read and write
// only the streams, working directory and environment of the Env they are given, and they
// return an exit status instead of calling os.Exit. That is what lets the shell (package
// tools/shell) run them in-process, in a root that holds no binaries at all.
//
// # How the house is laid out
//
//   - pkg/tools: this contract.
//   - Libraries, each named for what it is and importing no family: gnuflag (the one flag
//     parser), userdb (passwd/group), columns (tables), mountinfo, humanize (sizes for -h),
//     posixre (BRE/ERE to Go regexp), dfa and litfind (grep's fast line matching),
//     signals (the one signal table), rlimits (the one ulimit, and prlimit's table),
//     posixtz (TZ, POSIX TZ strings included, as a time.Location).
//   - Families of applets: agent, archive, files, netx, proc, shell, text. A family imports
//     the contract and the libraries, never another family: what two families need goes
//     into a library. A program too large for one file has a package of its own inside
//     its family, one file per phase.
//   - all installs every family's table; toolbox is the multi-call entry (toolbox.Main);
//     toolstest serves the families' tests.
//
// # Adding an applet
//
// One file in its family, named after it (files/tee.go), that opens with the applet's
// value and a synopsis of its flags:
//
//	// Tee is tee [-ai] [FILE]...: copy standard input to standard output and each FILE.
//	//
//	//	-a  append to the FILEs instead of truncating them
//	//	-i  ignore interrupts
//	var Tee = tools.Applet{Name: "tee", Summary: "copy stdin to stdout and files", Run: runTee}
//
// and one line, &Tee, in the family's table (Applets, in its applets.go). No init(): the
// Applet is static data, and the toolbox indexes the tables on first use, so an applet
// costs nothing at start-up. Anything an applet builds (regexps, tables, parsers of /proc)
// is built when it runs, or once on first use (sync.OnceValue), never in init.
//
// # Flags
//
// Applets parse flags with gnuflag only (GNU getopt_long behaviour: -abc clusters, -n5,
// --long=v, --long v, unambiguous abbreviations, "--", operands anywhere unless
// StopAtOperand or POSIXLY_CORRECT). --help prints "Usage: ..." to stdout and exits 0; a
// usage error prints "applet: why" and "Try 'applet --help' ..." to stderr and exits 2.
//
// # FILE operands
//
// An applet that reads FILE operands in turn ("-" is standard input, standard input alone
// when there are none) reads them through Operands.Each, or Operands.Concat when it dumps
// them as one stream: a missing file or a directory is reported in the applet's GNU words
// and the others are still read. OpenInput and OpenOperand open a single one. Its test
// compares those messages with the GNU tool's (toolstest.GoldenOperand).
//
// # GNU or BusyBox
//
// An applet behaves as its GNU (or procps, iproute2, util-linux) namesake for every flag
// that tool has: output, messages and exit statuses, as the golden tests compare. Where the
// GNU tool has no such flag or form and BusyBox has one, the applet follows BusyBox, whose
// own testsuite (make conformance, test/conformance) is the reference. A case of that suite
// the toolbox does not meet because GNU differs is listed, with that reason, in
// test/conformance/known-failures.
//
// # Signals
//
// Run as a process, an applet is ended by SIGINT, SIGTERM and SIGHUP whatever it is doing,
// as a C program that does not catch them (its parent sees 128+N): its context is
// cancelled first, and it has a moment to stop on its own (restore the terminal). An
// applet that handles them (the shell, the agent) sets Applet.HandlesSignals.
package tools
