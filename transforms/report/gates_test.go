package report

import (
	"context"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/sources"
)

// TestGateSection renders a run whose clicks (an events source) lost their required id column
// and whose user agent column is mistyped: the gates section lists the breaches and the warning,
// highlights the breaches, gives each source's figures and the columns some records lack. Without
// the sources config it says it needs it.
func TestGateSection(t *testing.T) {
	cfg, err := sources.Parse([]byte(`sources:
  - {name: orders, kind: orders, format: parquet, path: o}
  - {name: clicks, kind: events, format: jsonl, path: e, columns: {event_id: eid, user_agent: ua}}
`), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tables := fixtureTables(40)
	tables["quality"] = append(
		tables["quality"],
		schemas.QualityCount{Source: "clicks", Stage: "ingest", Measure: quality.In, Count: 50},
		schemas.QualityCount{
			Source:  "clicks",
			Stage:   "ingest",
			Measure: quality.Rejected,
			Reason:  quality.MissingField,
			Count:   50,
		},
		schemas.QualityCount{
			Source:  "clicks",
			Stage:   "ingest",
			Measure: quality.Absent,
			Reason:  "event_id",
			Count:   50,
		},
		schemas.QualityCount{
			Source:  "clicks",
			Stage:   "ingest",
			Measure: quality.Absent,
			Reason:  "user_agent",
			Count:   50,
		},
	)
	out := writeFixture(t, tables, true)
	r, err := Build(context.Background(), out, fixtureDate, Options{Sources: cfg})
	if err != nil {
		t.Fatal(err)
	}
	sec := section(t, r, "gates")
	if len(sec.Blocks) != 3 || sec.Blocks[0].Table == nil {
		t.Fatalf(
			"gates section: %d blocks, note %q; want findings, figures and absent columns",
			len(sec.Blocks),
			sec.Note,
		)
	}
	findings := sec.Blocks[0].Table
	var kinds []string
	for i, row := range findings.Rows {
		kinds = append(kinds, row[0].Text+" "+row[1].Text+" "+row[2].Text)
		if findings.Warn[i] != (row[2].Text == "BREACH") {
			t.Errorf("finding %d (%s) highlighted %v", i, row[2].Text, findings.Warn[i])
		}
	}
	want := "clicks max_reject_rate BREACH|clicks min_rows BREACH|clicks absent_column " +
		"BREACH|clicks absent_column warning"
	if got := strings.Join(kinds, "|"); got != want {
		t.Errorf("findings %s, want %s", got, want)
	}
	if got := cell(t, sec, "Per source, against its limits", "clicks", "rejected"); got != "100.0%" {
		t.Errorf("clicks rejected %s, want 100.0%%", got)
	}
	if got := cell(t, sec, "Per source, against its limits", "orders",
		"rows after cleaning"); got != "25" {
		t.Errorf("orders rows after cleaning %s, want 25", got)
	}
	if got := cell(t, sec, "Mapped columns some records lack", "clicks", "column"); got != "eid" {
		t.Errorf("first absent column %s, want eid", got)
	}
	r, err = Build(context.Background(), out, fixtureDate, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := section(t, r, "gates"); !strings.Contains(s.Note, "need the run's sources config") ||
		len(s.Blocks) != 0 {
		t.Errorf("without the config: note %q, %d blocks", s.Note, len(s.Blocks))
	}
}
