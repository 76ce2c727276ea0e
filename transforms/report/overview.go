package report

import (
	"slices"

	"github.com/shopportraits/portraits/transforms/sink"
)

// overviewSection lists the run's tables and what it read, from the manifest.
func overviewSection(m *sink.Manifest) Section {
	sec := Section{ID: "overview", Title: tr("Run")}
	var inBytes int64
	sources := map[string]bool{}
	for _, in := range m.Inputs {
		inBytes += in.Bytes
		sources[in.Source] = true
	}
	sec.Intro = trf("Read %s input files (%s bytes) of %d sources; wrote %d tables.",
		count(int64(len(m.Inputs))), count(inBytes), len(sources), len(m.Tables))
	names := make([]string, 0, len(m.Tables))
	for name := range m.Tables {
		names = append(names, name)
	}
	slices.Sort(names)
	t := &Table{Caption: tr("Tables of the run"), Head: trList("table", "rows", "files")}
	for _, name := range names {
		info := m.Tables[name]
		t.Rows = append(
			t.Rows,
			[]Cell{txt(name), num(count(info.Rows)), num(count(int64(len(info.Files))))},
		)
	}
	sec.Blocks = []Block{{Table: t}}
	return sec
}
