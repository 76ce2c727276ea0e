package publish

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
	"github.com/shopportraits/portraits/transforms/sink"
)

func TestEveryRegisteredTableMaps(t *testing.T) {
	for _, table := range schemas.All() {
		cols, err := Columns(table)
		if err != nil {
			t.Errorf("%s: %v", table.Name, err)
			continue
		}
		if len(cols) == 0 {
			t.Errorf("%s has no columns", table.Name)
		}
		for _, c := range cols {
			if c.Type == "" || c.Mode == "" || c.Doc == "" {
				t.Errorf("%s.%s = %+v", table.Name, c.Name, c)
			}
		}
	}
}

func TestColumnTypesAndModes(t *testing.T) {
	p, err := schemas.Lookup("portraits")
	if err != nil {
		t.Fatal(err)
	}
	cols, err := Columns(p)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Column{}
	for _, c := range cols {
		got[c.Name] = c
	}
	for name, want := range map[string][2]string{
		"person_id": {"string", "required"}, "phone_masked": {"string", "nullable"},
		"orders": {"int32", "required"}, "gmv_fen": {"int64", "required"},
		"registered_at": {"timestamp", "nullable"}, "vendor_interests": {"string", "repeated"},
		"marketing_consent": {"bool", "required"}, "refund_rate": {"float64", "nullable"},
	} {
		if c := got[name]; string(c.Type) != want[0] || string(c.Mode) != want[1] {
			t.Errorf("portraits.%s = %s %s, want %v", name, c.Type, c.Mode, want)
		}
	}
	if got["phone_masked"].PII != Contact || got["person_id"].PII != "" {
		t.Errorf(
			"pii: phone_masked %q, person_id %q",
			got["phone_masked"].PII,
			got["person_id"].PII,
		)
	}
}

func TestUnmappedFieldsAreErrors(t *testing.T) {
	for _, tc := range []struct {
		row  any
		want string
	}{
		{struct {
			A map[string]string `parquet:"a" desc:"x"`
		}{}, "field .A: type map[string]string has no warehouse mapping"},
		{struct {
			B int64 `parquet:"b,timestamp(millisecond)" desc:"x"`
		}{}, "only timestamp(microsecond)"},
		{struct {
			C string `parquet:"c" pii:"secret" desc:"x"`
		}{}, "pii tag"},
		{struct {
			D string `parquet:"d,snappy" desc:"x"`
		}{}, "no warehouse mapping"},
	} {
		_, err := Columns(schemas.Table{Name: "bad", Type: reflect.TypeOf(tc.row)})
		if err == nil || !strings.Contains(err.Error(), "table bad") ||
			!strings.Contains(err.Error(), tc.want) {
			t.Errorf("%T: err = %v, want %q", tc.row, err, tc.want)
		}
	}
}

// TestContactColumnsAreTagged guards the graded access: a column whose name says it holds a phone,
// an e-mail, a nickname or a hash must carry a pii tag, or it would reach the analytics zone.
func TestContactColumnsAreTagged(t *testing.T) {
	suspicious := regexp.MustCompile(`phone|email|e_mail|nickname|_hash$|^hash_`)
	for _, table := range schemas.All() {
		cols, err := Columns(table)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			if suspicious.MatchString(c.Name) && c.PII == "" {
				t.Errorf("%s.%s looks personal and has no pii tag", table.Name, c.Name)
			}
		}
	}
}

func TestZones(t *testing.T) {
	held := map[Zone][]string{}
	for _, table := range schemas.All() {
		cols, err := Columns(table)
		if err != nil {
			t.Fatal(err)
		}
		tb := Table{Name: table.Name, Columns: cols}
		for _, z := range Zones {
			zt, ok := tb.In(z)
			if !ok {
				continue
			}
			held[z] = append(held[z], table.Name)
			for _, c := range zt.Columns {
				if z == Analytics &&
					(c.PII != "" || slices.Contains(publishtest.Sensitive, c.Name)) {
					t.Errorf("analytics.%s has the sensitive column %s", table.Name, c.Name)
				}
			}
			if z == Restricted && len(zt.Columns) != len(cols) {
				t.Errorf("restricted.%s lacks columns", table.Name)
			}
		}
	}
	if slices.Contains(held[Analytics], "identity_map") ||
		!slices.Contains(held[Restricted], "identity_map") {
		t.Errorf("identity_map: analytics %v, restricted %v", held[Analytics], held[Restricted])
	}
	for _, name := range []string{"users", "portraits", "tickets", "site_posts"} {
		if !slices.Contains(held[Analytics], name) || !slices.Contains(held[Restricted], name) {
			t.Errorf("%s should be in both zones: %v", name, held)
		}
	}
	if slices.Contains(held[Restricted], "quality") ||
		!slices.Contains(held[Analytics], "quality") {
		t.Errorf("quality has nothing to restrict: %v", held)
	}
	users, _ := schemas.Lookup("users")
	cols, _ := Columns(users)
	if got := (Table{Columns: cols}).Withheld(Analytics); !slices.Equal(
		got,
		[]string{"phone_hash", "phone_masked", "email_hash"},
	) {
		t.Errorf("users withheld from analytics: %v", got)
	}
}

func TestLoad(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	dir := publishtest.WriteRun(t, out, "2026-11-21", publishtest.Run(0, 4))
	p, err := Load(ctx, dir+"/")
	if err != nil {
		t.Fatal(err)
	}
	if p.Date != "2026-11-21" || p.Compact() != "20261121" || p.Dir != dir || p.Remote() ||
		len(p.Tables) != 5 {
		t.Fatalf("plan %+v", p)
	}
	users := p.Tables[4]
	if users.Name != "users" || users.Rows != 4 ||
		!slices.Equal(users.Files, []string{dir + "/users/part-00000.parquet"}) {
		t.Errorf("users %+v", users)
	}
	rows := Catalog(p.Tables[4:])
	if rows[0] != (CatalogRow{"users", "", users.Doc}) || rows[1].Column != SnapshotDate ||
		len(rows) != 2+len(users.Columns) {
		t.Errorf("catalogue %v", rows[:2])
	}
	// A run folder given relative to the working directory.
	t.Chdir(out)
	if p, err := Load(ctx, "dt=2026-11-21"); err != nil || len(p.Tables) != 5 {
		t.Errorf("relative run: %v", err)
	}
}

func TestUnfinishedRunIsRefused(t *testing.T) {
	out := t.TempDir()
	dir := publishtest.WriteRun(t, out, "2026-11-21", nil)
	if err := os.Remove(filepath.Join(dir, sink.ManifestName)); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), dir); !errors.Is(err, sink.ErrUnfinished) {
		t.Fatalf("err = %v", err)
	}
	for _, bad := range []string{out, filepath.Join(out, "dt=2026-13-01")} {
		if _, err := Load(context.Background(), bad); err == nil {
			t.Errorf("%s accepted as a run", bad)
		}
	}
}
