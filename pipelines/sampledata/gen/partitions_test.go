package gen

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"gopkg.in/yaml.v3"
)

var partitionRE = regexp.MustCompile(`/dt=(\d{4}-\d{2}-\d{2})/`)

// partitionDay is the window day of the dt= folder a file lies in.
func partitionDay(t *testing.T, w Window, file string) int {
	t.Helper()
	m := partitionRE.FindStringSubmatch(filepath.ToSlash(file))
	if m == nil {
		t.Fatalf("%s is in no daily partition", file)
	}
	day, err := time.ParseInLocation(time.DateOnly, m[1], Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	d := int(day.Sub(w.Start) / (24 * time.Hour))
	if d < 0 || d >= w.Days {
		t.Fatalf("%s: partition outside the window", file)
	}
	return d
}

func sampleWindow() Window { return NewWindow(sampleConfig.Date, sampleConfig.Days) }

func dateOf(w Window, day int) string { return w.Day(day).Format(time.DateOnly) }

// inWindow reports whether t lies in the window: a time written on purpose far off (in 1970 or
// after the window) says nothing about where its line belongs.
func inWindow(w Window, t time.Time) bool { return !t.Before(w.Start) && !t.After(w.End) }

func TestEveryDayHasItsPartitions(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(sampleDir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Sources []struct {
			Name, Path, Grows string
		}
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	w := sampleWindow()
	for _, s := range cfg.Sources {
		switch s.Grows {
		case "append", "changes":
		case "snapshot":
			if strings.Contains(s.Path, "dt=") {
				t.Errorf("%s: a snapshot source in partitions", s.Name)
			}
			continue
		default:
			t.Errorf("%s: grows %q", s.Name, s.Grows)
			continue
		}
		if !strings.Contains(s.Path, "/dt=*/") {
			t.Errorf("%s: path %s has no dt=* folder", s.Name, s.Path)
			continue
		}
		for d := 0; d < w.Days; d++ {
			day := "/dt=" + w.Day(d).Format(time.DateOnly) + "/"
			pattern := filepath.Join(sampleDir, strings.Replace(s.Path, "/dt=*/", day, 1))
			if files, _ := filepath.Glob(pattern); len(files) == 0 {
				t.Errorf("%s: no file in%s", s.Name, day)
			}
		}
		all := glob(t, s.Path)
		for _, f := range all {
			partitionDay(t, w, f) // in the window
		}
	}
}

// TestAppendLinesLieInTheirPartitions checks where events and touches land: in the partition of
// their day, a day later in a late file, and copies at most two partitions after their day.
func TestAppendLinesLieInTheirPartitions(t *testing.T) {
	w := sampleWindow()
	for _, c := range []struct {
		source, pattern, id string
		lateLo, lateHi      float64
	}{
		{"events", "clickstream/events/dt=*/*.jsonl.gz", "event_id", 0.015, 0.05},
		{"touches", "marketing/touches/dt=*/*.jsonl.gz", "msg_id", 0.01, 0.04},
	} {
		t.Run(c.source, func(t *testing.T) {
			var lines, inLate, onDay, regular int
			parts := map[string]map[int]bool{} // id -> partitions it lies in
			for _, f := range glob(t, c.pattern) {
				part := partitionDay(t, w, f)
				late := strings.HasSuffix(f, "-late.jsonl.gz")
				objs, _ := jsonLines(t, f)
				for _, e := range objs {
					lines++
					id, _ := e[c.id].(string)
					if parts[id] == nil {
						parts[id] = map[int]bool{}
					}
					parts[id][part] = true
					ts := eventTime(t, e)
					if !inWindow(w, ts) {
						continue
					}
					day := w.dayIndex(ts)
					if part < day || part > day+2 {
						t.Errorf("%s: a line of %s lies in the partition of %s",
							f, dateOf(w, day), dateOf(w, part))
					}
					switch {
					case late:
						inLate++
						if part == day {
							t.Errorf("%s: a line of the partition's own day in a late file", f)
						}
					case part == day:
						regular++
						onDay++
					default:
						regular++
					}
				}
			}
			within(t, "share of lines in late files", float64(inLate)/float64(lines),
				c.lateLo, c.lateHi)
			within(t, "share of a regular file's lines of its own day",
				float64(onDay)/float64(regular), 0.99, 1)
			again := 0
			for _, ps := range parts {
				if len(ps) > 1 {
					again++
				}
			}
			if again == 0 {
				t.Error("no line delivered again in a later partition")
			}
		})
	}
}

// version is one exported row of a changes source, where it lies.
type version struct {
	part    int
	updated int64
	row     any
}

// versions reads a changes source's rows per natural key, oldest partition first.
func versions[T any](t *testing.T, pattern string, key func(T) string,
	updated func(T) int64) map[string][]version {
	t.Helper()
	w := sampleWindow()
	out := map[string][]version{}
	files := glob(t, pattern)
	sort.Strings(files)
	for _, f := range files {
		part := partitionDay(t, w, f)
		rows, err := parquet.ReadFile[T](f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out[key(r)] = append(out[key(r)], version{part, updated(r), r})
		}
	}
	return out
}

// checkChangeDays checks that the newest row of a key in each export of a changes source is of
// the export's day: changed that day, or, in the first day's initial load, before the window.
// Older rows beside it are the mess of the exports (an older version or a stale copy exported
// again).
func checkChangeDays(t *testing.T, name string, vs map[string][]version, skip func(any) bool) {
	t.Helper()
	w := sampleWindow()
	for key, list := range vs {
		newest := map[int]version{}
		for _, v := range list {
			if cur, ok := newest[v.part]; !ok || v.updated > cur.updated {
				newest[v.part] = v
			}
		}
		for _, v := range newest {
			at := time.UnixMicro(v.updated)
			if (skip != nil && skip(v.row)) || (v.part == 0 && at.Before(w.Start)) {
				continue
			}
			if !inWindow(w, at) || w.dayIndex(at) != v.part {
				t.Errorf("%s %s: a row changed at %s in the export of %s",
					name, key, at.In(Shanghai), dateOf(w, v.part))
			}
		}
	}
}

func TestOrdersChangeStateAcrossDays(t *testing.T) {
	orders := versions(t, "platform/orders/dt=*/*.parquet",
		func(o OrderRow) string { return o.OrderNo },
		func(o OrderRow) int64 { return o.UpdateTime })
	checkChangeDays(t, "order", orders, nil)
	changed := 0
	transitions := map[string]int{}
	for no, vs := range orders {
		// The state each day's export shows is its newest row: a stale copy of the order's first
		// state may be exported again beside it.
		newest := map[int]OrderRow{}
		var parts []int
		for _, v := range vs {
			o := v.row.(OrderRow)
			cur, seen := newest[v.part]
			if !seen {
				parts = append(parts, v.part)
			}
			if !seen || o.UpdateTime > cur.UpdateTime {
				newest[v.part] = o
			}
		}
		var last []OrderRow
		for _, p := range parts {
			if n := len(last); n > 0 && newest[p].UpdateTime <= last[n-1].UpdateTime {
				t.Errorf("order %s: the export of day %d is not newer than the one before", no, p)
			}
			last = append(last, newest[p])
		}
		if len(last) < 2 {
			continue
		}
		changed++
		for i := 1; i < len(last); i++ {
			transitions[last[i-1].OrderStatus+">"+last[i].OrderStatus]++
			if last[i].CreateTime != last[0].CreateTime {
				t.Errorf("order %s: create_time changes between exports", no)
			}
		}
	}
	within(t, "share of orders exported on more than one day",
		float64(changed)/float64(len(orders)), 0.3, 0.9)
	for _, want := range []string{
		"paid>refunded", "paid>cancelled", "created>paid", "paid>shipped", "shipped>completed",
	} {
		if transitions[want] == 0 {
			t.Errorf("no order goes %s across days; transitions %v", want, transitions)
		}
	}

	// Lines come with their order's first export.
	items := versions(t, "platform/order_items/dt=*/*.parquet",
		func(i OrderItemRow) string { return i.OrderNo }, func(OrderItemRow) int64 { return 0 })
	for no, lines := range items {
		heads := orders[no]
		if len(heads) == 0 {
			continue // an orphan line: its header is missing from every export
		}
		for _, l := range lines {
			if l.part != heads[0].part {
				t.Errorf("order %s: a line in the export of day %d, the order first on day %d",
					no, l.part, heads[0].part)
			}
		}
	}
}

var digitsRE = regexp.MustCompile(`[0-9]+`)

// nationalPhone is the 11-digit number of a mobile as an account form stored it.
func nationalPhone(s string) string {
	d := strings.Join(digitsRE.FindAllString(s, -1), "")
	return strings.TrimPrefix(d, "86")
}

func TestUsersChangeContactsAcrossDays(t *testing.T) {
	w := sampleWindow()
	users := versions(t, "platform/users/dt=*/*.parquet",
		func(u UserRow) string { return u.UID }, func(u UserRow) int64 { return u.UpdateTime })
	// Rows with a reg_time after the window are deliberately bad; they lie with their account's
	// first export.
	checkChangeDays(t, "user", users, func(row any) bool {
		return time.UnixMicro(row.(UserRow).RegTime).After(w.End)
	})
	idx := truthIndex(t)
	changes := 0
	for uid, vs := range users {
		first, last := vs[0].row.(UserRow), vs[len(vs)-1].row.(UserRow)
		if vs[len(vs)-1].part == vs[0].part {
			continue
		}
		if last.UpdateTime <= first.UpdateTime {
			t.Errorf("user %s: the later export is not newer", uid)
		}
		changes++
		person := idx["uid"][uid][0]
		for _, m := range []string{first.Mobile, last.Mobile} {
			p := nationalPhone(m)
			if p != "" && !slices.Contains(idx["phone_e164"]["+86"+p], person) {
				t.Errorf("user %s: phone %s is not %s's in the truth", uid, m, person)
			}
		}
		for _, e := range []string{first.Email, last.Email} {
			// Full-width e-mails are left out: the truth has them normalised.
			e = strings.ToLower(strings.TrimSpace(e))
			ascii := strings.IndexFunc(e, func(r rune) bool { return r > 0x7f }) < 0
			if e != "" && ascii && !slices.Contains(idx["email"][e], person) {
				t.Errorf("user %s: e-mail %s is not %s's in the truth", uid, e, person)
			}
		}
	}
	within(t, "share of accounts with a new phone or e-mail",
		float64(changes)/float64(len(users)), 0.005, 0.05)
}

func TestProductPricesChangeAcrossDays(t *testing.T) {
	products := versions(t, "platform/products/dt=*/*.parquet",
		func(p ProductRow) string { return p.SkuID },
		func(p ProductRow) int64 { return p.UpdateTime })
	checkChangeDays(t, "product", products, nil)
	changed := 0
	for sku, vs := range products {
		if vs[0].part != 0 {
			t.Errorf("product %s is not in the initial load", sku)
		}
		last := vs[len(vs)-1]
		if last.part == 0 {
			continue
		}
		changed++
		if last.row.(ProductRow).ListPrice == vs[0].row.(ProductRow).ListPrice {
			t.Errorf("product %s: exported again with the same price", sku)
		}
	}
	if changed == 0 || changed > len(products)/10 {
		t.Errorf("%d of %d products change price", changed, len(products))
	}
}
