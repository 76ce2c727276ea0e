package retention

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/sink"
)

// Request is an erasure to carry into the run folders kept.
type Request struct {
	// Output is the nightly's output folder.
	Output string
	// Date is the night that received the requests: runs before it are cleaned (that night's run
	// and later ones leave the persons out already), and the cleaning is recorded under it.
	Date string
	// Salt is the runs' hashing salt.
	Salt string
	// Hashes are the requested identifiers' hashes, as the erasures table holds them.
	Hashes []string
	// Now is when the cleaning happens, as recorded.
	Now time.Time
}

// Erase removes, from every finished run kept under the output before the request's night, the
// rows of the persons who own the requested hashes: the persons that run's identity map gives them,
// and every row of the run that names one of those persons or carries one of their identifiers (an
// account, device, cookie, ticket or review-site post id whose salted hash is theirs), order lines
// with their orders, and their lines of the activation CSV files. Only the files that held such
// rows are rewritten (each written beside the old one, then moved over it); the manifest follows
// with the new row counts. The cleaning of each table is returned and recorded in
// publish.RunFolderLog(Output, Date), where the publish of that night finds it for erasure_log.
// Erasing again finds nothing more. The carried state (_state/) is the nightly's to clean.
func Erase(ctx context.Context, r Request) ([]publish.Cleaning, error) {
	if len(r.Hashes) == 0 {
		return nil, nil
	}
	if r.Salt == "" {
		return nil, fmt.Errorf("retention: erasing from the run folders needs the runs' salt")
	}
	runs, err := sink.Runs(ctx, r.Output)
	if err != nil {
		return nil, err
	}
	var done []publish.Cleaning
	for _, d := range runs {
		if d >= r.Date {
			continue
		}
		cleaned, err := eraseRun(ctx, r, d)
		if err != nil {
			return nil, fmt.Errorf("retention: erasing from the run of %s: %w", d, err)
		}
		done = append(done, cleaned...)
	}
	if len(done) == 0 {
		return nil, nil
	}
	before, err := publish.ReadRunFolderLog(ctx, r.Output, r.Date)
	if err != nil {
		return nil, err
	}
	if err := publish.WriteRunFolderLog(ctx, r.Output, r.Date, append(before, done...)); err != nil {
		return nil, err
	}
	return done, nil
}

// run is one run folder being cleaned.
type run struct {
	dir       string
	manifest  *sink.Manifest
	persons   map[string]bool
	forgotten *publish.Forgotten
	orders    map[string]bool // orders removed, whose lines go with them
	phones    map[string]bool // MD5s of the activation rows removed
}

func eraseRun(ctx context.Context, r Request, date string) ([]publish.Cleaning, error) {
	m, err := sink.ReadManifest(ctx, r.Output, date)
	if err != nil {
		return nil, err
	}
	ru := &run{
		dir:      sink.RunDir(r.Output, date),
		manifest: m,
		persons:  map[string]bool{},
		orders:   map[string]bool{},
		phones:   map[string]bool{},
	}
	requested := map[string]bool{}
	for _, h := range r.Hashes {
		requested[h] = true
	}
	var links []schemas.IdentityLink
	err = ru.each(ctx, "identity_map", func(row any) {
		l := row.(schemas.IdentityLink)
		links = append(links, l)
		if requested[l.IDHash] {
			ru.persons[l.PersonID] = true
		}
	})
	if err != nil || len(ru.persons) == 0 {
		return nil, err
	}
	var hashes []string
	for _, l := range links {
		if ru.persons[l.PersonID] {
			hashes = append(hashes, l.IDHash)
		}
	}
	ru.forgotten = publish.NewForgotten(r.Salt, hashes)
	var out []publish.Cleaning
	for _, name := range tableOrder(m.Tables) {
		n, err := ru.clean(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", name, err)
		}
		if n > 0 {
			out = append(out, publish.Cleaning{Date: r.Date, Place: "run dt=" + date + "/" + name,
				Requests: int64(len(r.Hashes)), RowsRemoved: n, CleanedAt: r.Now.UTC()})
		}
	}
	n, err := ru.cleanAudiences(ctx)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		out = append(
			out,
			publish.Cleaning{Date: r.Date, Place: "run dt=" + date + "/activation_csv",
				Requests: int64(len(r.Hashes)), RowsRemoved: n, CleanedAt: r.Now.UTC()},
		)
	}
	if len(out) == 0 {
		return nil, nil
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return out, sink.WriteBytes(ctx, sink.Join(ru.dir, sink.ManifestName), append(data, '\n'))
}

// tableOrder is the run's tables that hold rows of persons, a fact before the facts that take
// their parent's rows (orders before their lines). The erasures table keeps its rows: it is what
// makes later nights forget.
func tableOrder(tables map[string]sink.TableInfo) []string {
	var out []string
	for name := range tables {
		if m, ok := publish.Models[name]; ok && name != "erasures" &&
			(len(m.Persons) > 0 || len(m.Identifiers) > 0 || m.Parent != "") {
			out = append(out, name)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		pi, pj := publish.Models[out[i]].Parent != "", publish.Models[out[j]].Parent != ""
		if pi != pj {
			return pj
		}
		return out[i] < out[j]
	})
	return out
}

// each calls f with every row of a table of the run.
func (ru *run) each(ctx context.Context, table string, f func(any)) error {
	st, err := schemas.Lookup(table)
	if err != nil {
		return err
	}
	for _, rel := range ru.manifest.Tables[table].Files {
		data, err := sink.ReadFile(ctx, sink.Join(ru.dir, rel))
		if err != nil {
			return err
		}
		if err := st.ReadRows(bytes.NewReader(data), int64(len(data)), f); err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
	}
	return nil
}

// clean rewrites the files of a table that hold rows of the erased persons, and returns the rows
// removed.
func (ru *run) clean(ctx context.Context, table string) (int64, error) {
	st, err := schemas.Lookup(table)
	if err != nil {
		return 0, err
	}
	model := publish.Models[table]
	cols := columnsOf(st.Type)
	info := ru.manifest.Tables[table]
	var removed int64
	for _, rel := range info.Files {
		path := sink.Join(ru.dir, rel)
		data, err := sink.ReadFile(ctx, path)
		if err != nil {
			return 0, err
		}
		buf := st.NewBuffer()
		var n int64
		var added error
		err = st.ReadRows(bytes.NewReader(data), int64(len(data)), func(row any) {
			if ru.erased(model, table, cols, reflect.ValueOf(row)) {
				n++
			} else if err := buf.Add(row); err != nil && added == nil {
				added = err
			}
		})
		if err == nil {
			err = added
		}
		if err != nil {
			return 0, fmt.Errorf("%s: %w", rel, err)
		}
		if n == 0 {
			continue
		}
		tmp := path + ".erasing"
		if err := sink.WriteFile(ctx, tmp, buf.Flush); err != nil {
			return 0, err
		}
		if err := sink.Rename(ctx, tmp, path); err != nil {
			return 0, err
		}
		removed += n
	}
	info.Rows -= removed
	ru.manifest.Tables[table] = info
	return removed, nil
}

// erased reports whether a row names an erased person or carries one of their identifiers, and
// notes the orders and activation phones it takes with it.
func (ru *run) erased(m publish.Model, table string, cols map[string]int, row reflect.Value) bool {
	str := func(col string) string {
		i, ok := cols[col]
		if !ok || row.Field(i).Kind() != reflect.String {
			return ""
		}
		return row.Field(i).String()
	}
	hit := false
	for _, c := range m.Persons {
		hit = hit || ru.persons[str(c)]
	}
	for c, typ := range m.Identifiers {
		hit = hit || ru.forgotten.Owns(typ, str(c))
	}
	if m.Parent == "orders" {
		hit = hit || ru.orders[str(m.Key[0])]
	}
	if hit && table == "orders" {
		ru.orders[str("order_id")] = true
	}
	if hit && table == "activation" {
		ru.phones[str("phone_md5")] = true
	}
	return hit
}

// columnsOf maps a schemas struct's Parquet column names to its field indexes.
func columnsOf(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("parquet"), ",")
		if name != "" && name != "-" {
			out[name] = i
		}
	}
	return out
}

// cleanAudiences removes the erased persons' phones from the activation CSV files (phone_md5 first
// on each line, after a header) and returns the lines removed.
func (ru *run) cleanAudiences(ctx context.Context) (int64, error) {
	if len(ru.phones) == 0 {
		return 0, nil
	}
	var removed int64
	for i, e := range ru.manifest.Files {
		if !strings.HasPrefix(e.Path, "activation_csv/") || !strings.HasSuffix(e.Path, ".csv") {
			continue
		}
		path := sink.Join(ru.dir, e.Path)
		data, err := sink.ReadFile(ctx, path)
		if err != nil {
			return 0, err
		}
		lines := strings.SplitAfter(string(data), "\n")
		var kept []string
		var n int64
		for j, line := range lines {
			md5, _, _ := strings.Cut(strings.TrimSpace(line), ",")
			if j > 0 && ru.phones[md5] {
				n++
				continue
			}
			kept = append(kept, line)
		}
		if n == 0 {
			continue
		}
		tmp := path + ".erasing"
		err = sink.WriteFile(ctx, tmp, func(w io.Writer) error {
			_, err := io.WriteString(w, strings.Join(kept, ""))
			return err
		})
		if err != nil {
			return 0, err
		}
		if err := sink.Rename(ctx, tmp, path); err != nil {
			return 0, err
		}
		ru.manifest.Files[i].Rows -= n
		removed += n
	}
	return removed, nil
}
