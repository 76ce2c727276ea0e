package score

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/portrait"
)

// cdnowDir is the CDNOW sample shipped with the lifetimes library, beside the module root.
var cdnowDir = filepath.Join("..", "..", "..", "..", "shared", "data", "cdnow")

// cdnowWorld reads the CDNOW sample into the portrait stage's inputs: one account and one person
// per customer, one paid order per transaction at noon in Shanghai on its day, amounts in fen.
func cdnowWorld(t *testing.T, s beam.Scope) portrait.Inputs {
	t.Helper()
	path := filepath.Join(cdnowDir, "CDNOW_sample.txt")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf(
			"CDNOW data not available at %s (see DESIGN.md, Real data to check against): %v",
			cdnowDir,
			err,
		)
	}
	defer f.Close()
	var orders []schemas.Order
	var links []link
	var persons []schemas.Person
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fs := strings.Fields(sc.Text())
		if len(fs) != 5 {
			t.Fatalf("%s:%d: %d fields, want 5", path, line, len(fs))
		}
		day, err1 := time.Parse("20060102", fs[2])
		dollars, err2 := strconv.ParseFloat(fs[4], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s:%d: %v %v", path, line, err1, err2)
		}
		user := fs[1]
		if !seen[user] {
			seen[user] = true
			links = append(links, link{accountKey(user), "C" + user})
			persons = append(persons, schemas.Person{PersonID: "C" + user, Accounts: 1})
		}
		o := paidOrder(
			fmt.Sprintf("o%d", line),
			user,
			day.Format(time.DateOnly)+" 12:00",
			int64(math.Round(dollars*100)),
		)
		orders = append(orders, o)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return portrait.Inputs{
		Identity: beam.ParDo(s, linkKV, beam.CreateList(s, links)),
		Persons:  beam.CreateList(s, persons),
		Orders:   beam.CreateList(s, orders),
		TempDir:  t.TempDir(),
	}
}

// writeCardFn writes the card as JSON to a file of the test.
type writeCardFn struct{ Path string }

func (f *writeCardFn) ProcessElement(_ context.Context, c Card) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return os.WriteFile(f.Path, data, 0o644)
}

func init() { fnreg.DoFn2x1[context.Context, Card, error](&writeCardFn{}) }

// TestCDNOW runs the whole stage on real purchases: portraits of the CDNOW cohort as of
// 1997-09-30 (the end of lifetimes' calibration period) and 90 days later, through portrait.Build
// and Build on Prism. The cutoff's BG/NBD fit is lifetimes' published one (in days), and the
// learned model does at least as well as that baseline on the same held-out customers.
func TestCDNOW(t *testing.T) {
	cfg := Config{Date: "1997-12-29", HorizonDays: 90}
	cutoff, err := CutoffDate(cfg.Date, cfg.HorizonDays)
	if err != nil || cutoff != "1997-09-30" {
		t.Fatalf("cutoff %s, %v", cutoff, err)
	}
	p, s := beam.NewPipelineWithRoot()
	in := cdnowWorld(t, s)
	out := portrait.Build(s, in, portrait.Config{Date: cfg.Date}, cutoff)
	card := Build(
		s,
		Inputs{Days: out.Portraits, CutoffModel: out.Models[1], Today: out.Today},
		cfg,
	).Card
	path := filepath.Join(t.TempDir(), "card.json")
	beam.ParDo0(s, &writeCardFn{Path: path}, card)
	ptest.RunAndValidate(t, p)

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c Card
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if bg := c.BGNBD; bg == nil || math.Abs(bg.R-0.2426) > 1e-3 ||
		math.Abs(bg.Alpha/7-4.4135) > 1e-2 ||
		math.Abs(bg.A-0.7929) > 1e-3 ||
		math.Abs(bg.B-2.4258) > 1e-2 {
		t.Errorf(
			"BG/NBD at the cutoff %+v (%s), want lifetimes' r=0.2426 alpha=4.4135 weeks a=0.7929 b=2.4258",
			c.BGNBD,
			c.BGNBDError,
		)
	}
	for _, f := range []Fitted{c.Propensity, c.Churn} {
		if !f.Trained {
			t.Fatalf("%s not trained: %s", f.Column, f.Reason)
		}
		b := f.Baseline
		if b == nil || b.AUC == nil {
			t.Fatalf("%s: no baseline: %+v", f.Column, b)
		}
		t.Logf(
			"%s: %d customers, %d positive; held out %d: AUC %.4f log-loss %.4f; BG/NBD on the same %d: "+
				"AUC %.4f log-loss %.4f",
			f.Column,
			f.Labelled,
			f.Positives,
			f.Metrics.NTest,
			f.Metrics.AUC,
			f.Metrics.LogLoss,
			b.Rows,
			*b.AUC,
			*b.LogLoss,
		)
		// Every CDNOW customer bought by the cutoff: the baseline covers every held-out customer.
		if b.Rows != f.Metrics.NTest || f.Labelled != 2357 {
			t.Errorf(
				"%s: baseline on %d of %d held-out customers, %d labelled",
				f.Column,
				b.Rows,
				f.Metrics.NTest,
				f.Labelled,
			)
		}
		if f.Metrics.AUC < *b.AUC-0.02 || f.Metrics.AUC < 0.75 {
			t.Errorf("%s: AUC %.4f against BG/NBD's %.4f", f.Column, f.Metrics.AUC, *b.AUC)
		}
	}
}
