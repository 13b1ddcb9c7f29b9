package tools

import "testing"

// TestLookupScanAndIndex: a process's first lookups scan the tables, later ones use the
// index; both find every name and alias, and neither finds what is not installed.
func TestLookupScanAndIndex(t *testing.T) {
	one := &Applet{Name: "lookup-one", Aliases: []string{"lookup-uno"}}
	two := &Applet{Name: "lookup-two"}
	Install([]*Applet{one})
	Install([]*Applet{two})
	lookups.Store(0)
	for i := 1; i <= scanLookups+1; i++ {
		if a, ok := Lookup("lookup-uno"); a != one || !ok {
			t.Fatalf("lookup %d of lookup-uno = %v, %v; want lookup-one", i, a, ok)
		}
		if built := index.Load() != nil; built != (i > scanLookups) {
			t.Fatalf("after lookup %d the index is built: %v; want it built after lookup %d", i, built, scanLookups+1)
		}
	}
	for _, tt := range []struct {
		name string
		want *Applet
	}{{"lookup-one", one}, {"lookup-uno", one}, {"lookup-two", two}, {"lookup-three", nil}, {"lookup", nil}} {
		a, ok := scan(tt.name)
		if a != tt.want || ok != (tt.want != nil) {
			t.Errorf("scan(%q) = %v, %v; want %v", tt.name, a, ok, tt.want)
		}
		if a, ok := byName()[tt.name]; a != tt.want || ok != (tt.want != nil) {
			t.Errorf("byName()[%q] = %v, %v; want %v", tt.name, a, ok, tt.want)
		}
	}
}
