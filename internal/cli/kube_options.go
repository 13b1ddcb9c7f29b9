//go:build !ddebug_host

package cli

// faceSettings are what the Options of NewRootCommand set in the Kubernetes face: a
// function per command that gets its options once the command is built, before it runs.
// Tests replace the seams there (NewDebugger, ResolvePod, ListPods, Now).
type faceSettings struct {
	kube func(*KubeOptions)
	cp   func(*CpOptions)
	fan  func(*FanOptions)
	list func(*ListOptions)
}

// withKube has f adjust the options of `kubectl ddebug NAME` (also those --copy-to uses).
func withKube(f func(*KubeOptions)) Option { return func(s *settings) { s.kube = f } }

// withCp has f adjust the options of `kubectl ddebug cp`.
func withCp(f func(*CpOptions)) Option { return func(s *settings) { s.cp = f } }

// withFan has f adjust the options of `kubectl ddebug --all-pods`.
func withFan(f func(*FanOptions)) Option { return func(s *settings) { s.fan = f } }

// withList has f adjust the options of `kubectl ddebug list`.
func withList(f func(*ListOptions)) Option { return func(s *settings) { s.list = f } }
