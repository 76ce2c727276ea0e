package lookup

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/transforms/sources"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

func countText(key string, n int64) string {
	return fmt.Sprintf("%s=%d", strings.ReplaceAll(key, "\x1f", "/"), n)
}

func entryText(e Entry) string { return e.Table + ":" + e.Key + "=" + e.Value }

func init() {
	register.Function2x1(countText)
	register.Function1x1(entryText)
}

// config writes files into a temporary folder and loads a sources config beside them.
func config(t *testing.T, files map[string]string, yaml string) *sources.Config {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "sources.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := sources.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

const orders = "sources:\n  - {name: o, kind: orders, format: csv, path: o.csv}\n"

// TestRead reads two tables: one key per entry, the later of two rows of one key kept and the
// other counted as deduplicated, a row without a value rejected with its line, and the counts of
// every stage balanced.
func TestRead(t *testing.T) {
	cfg := config(t, map[string]string{
		"customers.csv": "customer_id,customer_unique_id,city\nc1,p1,x\nc2,p2,y\nc1,p9,z\nc3,,w\n",
		"regions.jsonl": `{"k":"sp","v":"Sao Paulo"}` + "\n" + `{"k":"rj","v":"Rio"}` + "\n",
	}, "lookups:\n"+
		"  - {name: customers, format: csv, path: customers.csv, key: customer_id, value: "+
		"customer_unique_id}\n"+
		"  - {name: regions, format: jsonl, path: regions.jsonl, key: k, value: v}\n"+orders)
	r, err := Plan(context.Background(), cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Inputs) != 2 || r.Inputs[0].Source != "lookup:customers" {
		t.Fatalf("inputs = %+v", r.Inputs)
	}
	p, s := beam.NewPipelineWithRoot()
	entries, rejects, counts := Read(s, r)
	passert.Equals(
		s,
		beam.ParDo(s, entryText, entries),
		"customers:c1=p9",
		"customers:c2=p2",
		"regions:sp=Sao Paulo",
		"regions:rj=Rio",
	)
	passert.Count(s, rejects, "rejects", 1)
	passert.Equals(
		s,
		beam.ParDo(s, countText, stats.SumPerKey(s, counts)),
		"lookup:customers/ingest/in/=4",
		"lookup:customers/ingest/out/=4",
		"lookup:customers/clean/in/=4",
		"lookup:customers/clean/out/=3",
		"lookup:customers/clean/rejected/missing_value=1",
		"lookup:customers/dedupe/in/=3",
		"lookup:customers/dedupe/out/=2",
		"lookup:customers/dedupe/deduplicated/=1",
		"lookup:regions/ingest/in/=2",
		"lookup:regions/ingest/out/=2",
		"lookup:regions/clean/in/=2",
		"lookup:regions/clean/out/=2",
		"lookup:regions/dedupe/in/=2",
		"lookup:regions/dedupe/out/=2",
	)
	ptest.RunAndValidate(t, p)
}

// TestPlanNamesAMissingFile fails before the run starts, naming the config file, the table's line
// and the path that matched nothing.
func TestPlanNamesAMissingFile(t *testing.T) {
	cfg := config(
		t,
		nil,
		orders+"lookups:\n  - {name: customers, format: csv, path: nowhere/*.csv, key: a, value: b}\n",
	)
	_, err := Plan(context.Background(), cfg, "")
	if err == nil ||
		!strings.Contains(
			err.Error(),
			cfg.File+", line 4, lookup \"customers\": no file matches",
		) ||
		!strings.Contains(err.Error(), "nowhere/*.csv") {
		t.Fatalf("err = %v", err)
	}
	if r, err := Plan(context.Background(), config(t, nil, orders), ""); err != nil ||
		len(r.Tasks) != 0 {
		t.Fatalf("no lookups: %+v, %v", r, err)
	}
}

func TestDrain(t *testing.T) {
	all := []Entry{{Table: "a", Key: "k", Value: "v"}, {Table: "b", Key: "k", Value: "w"}}
	tables := Drain(func(e *Entry) bool {
		if len(all) == 0 {
			return false
		}
		*e, all = all[0], all[1:]
		return true
	})
	if v, ok := tables.Get("a", " k "); !ok || v != "v" {
		t.Errorf("a/k = %q, %v", v, ok)
	}
	if _, ok := tables.Get("a", "x"); ok {
		t.Error("a/x found")
	}
	if _, ok := tables.Get("c", "k"); ok {
		t.Error("c/k found")
	}
}
