package bigquery

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"cloud.google.com/go/bigquery"
	"github.com/parquet-go/parquet-go"
	"google.golang.org/api/option"

	bq "google.golang.org/api/bigquery/v2"
)

// fake speaks enough of the BigQuery REST API (datasets, tables, jobs) and of the GCS upload API for
// the real clients to publish against it. Every request body is decoded into the API's own types
// with unknown fields refused; jobs are checked and played out on a model of the warehouse: which
// rows (counted from the Parquet files loaded) sit in which partition of which table.
type fake struct {
	t       *testing.T
	project string

	mu       sync.Mutex
	datasets map[string]*bq.Dataset
	tables   map[string]*bq.Table // dataset.table
	// parts maps dataset.table to date to what the partition holds: rows and the files they came from.
	parts    map[string]map[string]content
	staged   map[string]content // staging tables' content
	catalogs map[string][]catalogRow
	jobs     map[string]*bq.Job
	polls    map[string]int
	objects  map[string][]byte // gs://bucket/name
	uploads  map[string][]byte // every upload, removed or not
	calls    []string

	// running is how many polls of a job answer RUNNING before it is DONE.
	running int
	// fail makes a job fail with the returned error, when not nil.
	fail func(*bq.Job) *bq.ErrorProto
}

type content struct {
	Rows  int64
	Files string
}

func newFake(t *testing.T) (*fake, *bigquery.Client) {
	f := &fake{t: t, project: "test-project", datasets: map[string]*bq.Dataset{}, tables: map[string]*bq.Table{},
		parts: map[string]map[string]content{}, staged: map[string]content{}, catalogs: map[string][]catalogRow{},
		jobs: map[string]*bq.Job{}, polls: map[string]int{}, objects: map[string][]byte{}, uploads: map[string][]byte{}, running: 1}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	t.Setenv("STORAGE_EMULATOR_HOST", srv.Listener.Addr().String())
	c, err := bigquery.NewClient(context.Background(), f.project,
		option.WithEndpoint(srv.URL+"/bigquery/v2/"), option.WithoutAuthentication(), option.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return f, c
}

// apiError answers as Google APIs do, so the client builds a *googleapi.Error.
func apiError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg, "errors": []any{map[string]any{"message": msg, "reason": http.StatusText(code)}}}})
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// decode reads a request body into one of the API's types, refusing fields the type does not have.
func (f *fake) decode(r *http.Request, v any) bool {
	d := json.NewDecoder(r.Body)
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		f.t.Errorf("%s %s: body is not a %T: %v", r.Method, r.URL.Path, v, err)
		return false
	}
	return true
}

var (
	datasetPath = regexp.MustCompile(`^/bigquery/v2/projects/([^/]+)/datasets(?:/([^/]+))?$`)
	tablePath   = regexp.MustCompile(`^/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables(?:/([^/]+))?$`)
	jobPath     = regexp.MustCompile(`^/bigquery/v2/projects/([^/]+)/jobs(?:/([^/]+))?$`)
	uploadPath  = regexp.MustCompile(`^/upload/storage/v1/b/([^/]+)/o$`)
	objectPath  = regexp.MustCompile(`^/storage/v1/b/([^/]+)/o/(.+)$`)
)

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m := uploadPath.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodPost {
		f.upload(w, r, m[1])
		return
	}
	if m := objectPath.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodDelete {
		uri := "gs://" + m[1] + "/" + m[2]
		if _, ok := f.objects[uri]; !ok {
			apiError(w, http.StatusNotFound, "No such object: "+uri)
			return
		}
		f.log("DELETE object %s", uri)
		delete(f.objects, uri)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if m := tablePath.FindStringSubmatch(r.URL.Path); m != nil {
		f.checkProject(m[1])
		f.table(w, r, m[2], m[3])
		return
	}
	if m := datasetPath.FindStringSubmatch(r.URL.Path); m != nil {
		f.checkProject(m[1])
		f.dataset(w, r, m[2])
		return
	}
	if m := jobPath.FindStringSubmatch(r.URL.Path); m != nil {
		f.checkProject(m[1])
		f.job(w, r, m[2])
		return
	}
	f.t.Errorf("unexpected request %s %s", r.Method, r.URL)
	apiError(w, http.StatusNotImplemented, "not in the fake")
}

func (f *fake) checkProject(p string) {
	if p != f.project {
		f.t.Errorf("request for project %s, want %s", p, f.project)
	}
}

func (f *fake) log(format string, a ...any) { f.calls = append(f.calls, fmt.Sprintf(format, a...)) }

func (f *fake) dataset(w http.ResponseWriter, r *http.Request, id string) {
	switch {
	case r.Method == http.MethodGet && id != "":
		f.log("GET datasets/%s", id)
		if d, ok := f.datasets[id]; ok {
			reply(w, d)
			return
		}
		apiError(w, http.StatusNotFound, "Not found: Dataset "+f.project+":"+id)
	case r.Method == http.MethodPost && id == "":
		var d bq.Dataset
		if !f.decode(r, &d) {
			apiError(w, http.StatusBadRequest, "bad dataset")
			return
		}
		id := d.DatasetReference.DatasetId
		f.log("POST datasets %s location=%s", id, d.Location)
		if _, ok := f.datasets[id]; ok {
			apiError(w, http.StatusConflict, "Already Exists: Dataset "+id)
			return
		}
		if d.Location == "" {
			f.t.Errorf("dataset %s created without a location", id)
		}
		d.Etag = "1"
		f.datasets[id] = &d
		reply(w, &d)
	case r.Method == http.MethodPatch && id != "":
		var d bq.Dataset
		if !f.decode(r, &d) {
			apiError(w, http.StatusBadRequest, "bad dataset")
			return
		}
		have, ok := f.datasets[id]
		if !ok {
			apiError(w, http.StatusNotFound, "Not found: Dataset "+id)
			return
		}
		if r.Header.Get("If-Match") != have.Etag {
			apiError(w, http.StatusPreconditionFailed, "etag mismatch")
			return
		}
		var views []string
		for _, a := range d.Access {
			if a.View != nil {
				views = append(views, a.View.DatasetId+"."+a.View.TableId)
			}
		}
		f.log("PATCH datasets/%s access views=%v", id, views)
		have.Access = d.Access
		have.Etag += "+"
		reply(w, have)
	default:
		f.t.Errorf("unexpected %s on dataset %q", r.Method, id)
		apiError(w, http.StatusNotImplemented, "not in the fake")
	}
}

func (f *fake) table(w http.ResponseWriter, r *http.Request, ds, id string) {
	key := ds + "." + id
	switch {
	case r.Method == http.MethodGet && id == "":
		f.log("GET datasets/%s/tables", ds)
		list := &bq.TableList{}
		var names []string
		for k := range f.tables {
			if d, t, _ := strings.Cut(k, "."); d == ds {
				names = append(names, t)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			t := f.tables[ds+"."+n]
			list.Tables = append(list.Tables, &bq.TableListTables{TableReference: t.TableReference, Type: t.Type, Id: f.project + ":" + ds + "." + n})
		}
		list.TotalItems = int64(len(list.Tables))
		reply(w, list)
	case r.Method == http.MethodGet:
		f.log("GET datasets/%s/tables/%s", ds, id)
		if t, ok := f.tables[key]; ok {
			reply(w, t)
			return
		}
		apiError(w, http.StatusNotFound, "Not found: Table "+f.project+":"+key)
	case r.Method == http.MethodPost && id == "":
		var t bq.Table
		if !f.decode(r, &t) {
			apiError(w, http.StatusBadRequest, "bad table")
			return
		}
		key = ds + "." + t.TableReference.TableId
		if t.View != nil {
			f.log("POST datasets/%s/tables %s (view)", ds, t.TableReference.TableId)
			t.Type = "VIEW"
		} else {
			f.log("POST datasets/%s/tables %s (%d columns)", ds, t.TableReference.TableId, len(t.Schema.Fields))
			t.Type = "TABLE"
		}
		if _, ok := f.datasets[ds]; !ok {
			apiError(w, http.StatusNotFound, "Not found: Dataset "+ds)
			return
		}
		if _, ok := f.tables[key]; ok {
			apiError(w, http.StatusConflict, "Already Exists: Table "+key)
			return
		}
		t.Etag = "1"
		f.tables[key] = &t
		reply(w, &t)
	case r.Method == http.MethodPatch:
		var t bq.Table
		if !f.decode(r, &t) {
			apiError(w, http.StatusBadRequest, "bad table")
			return
		}
		have, ok := f.tables[key]
		if !ok {
			apiError(w, http.StatusNotFound, "Not found: Table "+key)
			return
		}
		if r.Header.Get("If-Match") != have.Etag {
			apiError(w, http.StatusPreconditionFailed, "etag mismatch")
			return
		}
		f.log("PATCH datasets/%s/tables/%s", ds, id)
		if t.Schema != nil {
			have.Schema = t.Schema
		}
		if t.View != nil {
			have.View = t.View
		}
		if t.Clustering != nil {
			have.Clustering = t.Clustering
		}
		if t.Description != "" {
			have.Description = t.Description
		}
		have.Etag += "+"
		reply(w, have)
	case r.Method == http.MethodDelete:
		f.log("DELETE datasets/%s/tables/%s", ds, id)
		if _, ok := f.tables[key]; !ok {
			apiError(w, http.StatusNotFound, "Not found: Table "+key)
			return
		}
		delete(f.tables, key)
		delete(f.staged, key)
		w.WriteHeader(http.StatusNoContent)
	default:
		f.t.Errorf("unexpected %s on table %s", r.Method, key)
		apiError(w, http.StatusNotImplemented, "not in the fake")
	}
}

// upload takes a GCS multipart upload: the object's metadata, then its bytes.
func (f *fake) upload(w http.ResponseWriter, r *http.Request, bucket string) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		f.t.Errorf("upload of content type %q (want a multipart upload)", r.Header.Get("Content-Type"))
		apiError(w, http.StatusBadRequest, "not multipart")
		return
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	var meta struct {
		Name string `json:"name"`
	}
	part, err := mr.NextPart()
	if err == nil {
		err = json.NewDecoder(part).Decode(&meta)
	}
	if err == nil {
		part, err = mr.NextPart()
	}
	var data []byte
	if err == nil {
		data, err = io.ReadAll(part)
	}
	if err != nil {
		f.t.Errorf("upload to %s: %v", bucket, err)
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	uri := "gs://" + bucket + "/" + meta.Name
	f.log("POST upload %s (%d bytes)", uri, len(data))
	f.objects[uri], f.uploads[uri] = data, data
	reply(w, map[string]any{"bucket": bucket, "name": meta.Name, "size": fmt.Sprint(len(data))})
}

func (f *fake) job(w http.ResponseWriter, r *http.Request, id string) {
	switch {
	case r.Method == http.MethodPost && id == "":
		var j bq.Job
		if !f.decode(r, &j) {
			apiError(w, http.StatusBadRequest, "bad job")
			return
		}
		id := j.JobReference.JobId
		if _, dup := f.jobs[id]; dup {
			apiError(w, http.StatusConflict, "Already Exists: Job "+id)
			return
		}
		if j.JobReference.Location != "EU" {
			f.t.Errorf("job %s in location %q, want EU", id, j.JobReference.Location)
		}
		j.Status = &bq.JobStatus{State: "RUNNING"}
		j.Statistics = &bq.JobStatistics{}
		if e := f.run(&j); e != nil {
			j.Status.ErrorResult = e
			j.Status.Errors = []*bq.ErrorProto{e, {Reason: "invalid", Message: "and a second reason"}}
		}
		f.jobs[id] = &j
		reply(w, &j)
	case r.Method == http.MethodGet && id != "":
		j, ok := f.jobs[id]
		if !ok {
			apiError(w, http.StatusNotFound, "Not found: Job "+id)
			return
		}
		f.log("GET jobs/%s", normalJobID(id))
		f.polls[id]++
		if f.polls[id] > f.running {
			j.Status.State = "DONE"
		}
		reply(w, j)
	default:
		f.t.Errorf("unexpected %s on job %q", r.Method, id)
		apiError(w, http.StatusNotImplemented, "not in the fake")
	}
}

var jobSuffix = regexp.MustCompile(`-[A-Za-z0-9_-]{20,}$`)

// normalJobID drops the random suffix the client adds to job ids.
func normalJobID(id string) string { return jobSuffix.ReplaceAllString(id, "-*") }

// run checks a job and plays it out on the model; it returns the job's error, if any.
func (f *fake) run(j *bq.Job) *bq.ErrorProto {
	id := normalJobID(j.JobReference.JobId)
	switch {
	case j.Configuration.Load != nil:
		l := j.Configuration.Load
		dst := l.DestinationTable.DatasetId + "." + l.DestinationTable.TableId
		f.log("POST jobs %s load %v -> %s format=%s write=%s create=%s listInference=%v", id, l.SourceUris, dst,
			l.SourceFormat, l.WriteDisposition, l.CreateDisposition, l.ParquetOptions != nil && l.ParquetOptions.EnableListInference)
		if l.SourceFormat != "PARQUET" || l.WriteDisposition != "WRITE_TRUNCATE" {
			f.t.Errorf("load %s: format %s, write %s", id, l.SourceFormat, l.WriteDisposition)
		}
		if f.fail != nil {
			if e := f.fail(j); e != nil {
				return e
			}
		}
		var rows int64
		for _, u := range l.SourceUris {
			data, ok := f.objects[u]
			if !ok {
				return &bq.ErrorProto{Reason: "notFound", Message: "Not found: URI " + u}
			}
			pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				return &bq.ErrorProto{Reason: "invalid", Message: fmt.Sprintf("%s is not Parquet: %v", u, err)}
			}
			rows += pf.NumRows()
		}
		if _, ok := f.tables[dst]; !ok {
			if l.CreateDisposition != "CREATE_IF_NEEDED" {
				return &bq.ErrorProto{Reason: "notFound", Message: "Not found: Table " + dst}
			}
			f.tables[dst] = &bq.Table{TableReference: l.DestinationTable, Type: "TABLE", Etag: "1"}
		}
		f.staged[dst] = content{Rows: rows, Files: strings.Join(l.SourceUris, " ")}
		j.Statistics.Load = &bq.JobStatistics3{OutputRows: rows, InputFiles: int64(len(l.SourceUris))}
	case j.Configuration.Query != nil:
		q := j.Configuration.Query
		if q.UseLegacySql == nil || *q.UseLegacySql {
			f.t.Errorf("query %s does not say useLegacySql=false", id)
		}
		if f.fail != nil {
			if e := f.fail(j); e != nil {
				return e
			}
		}
		switch {
		case strings.HasPrefix(q.Query, "BEGIN\n"):
			f.log("POST jobs %s query script (%d statements)", id, strings.Count(q.Query, ";"))
			return f.replace(id, q.Query)
		case strings.HasPrefix(q.Query, "MERGE"):
			f.log("POST jobs %s query MERGE %d parameters", id, len(q.QueryParameters))
			return f.merge(id, q)
		default:
			f.t.Errorf("query %s not understood by the fake: %s", id, q.Query)
		}
	default:
		f.t.Errorf("job %s is neither a load nor a query", id)
	}
	return nil
}

var (
	deleteRe = regexp.MustCompile("(?m)^  DELETE FROM `([^`]+)` WHERE snapshot_date = DATE '([0-9-]+)';$")
	insertRe = regexp.MustCompile("(?m)^  INSERT INTO `([^`]+)` \\(snapshot_date, ([^)]*)\\)\n  SELECT DATE '([0-9-]+)', ([^\n]*) FROM `([^`]+)`;$")
)

// replace plays out a replace script: each zone's partition gets the staging table's content, after
// checking that the script deletes before it inserts, names existing tables and columns, and gives
// every REQUIRED column.
func (f *fake) replace(id, script string) *bq.ErrorProto {
	if !strings.Contains(script, "BEGIN TRANSACTION;") || !strings.Contains(script, "COMMIT TRANSACTION;") || !strings.Contains(script, "ROLLBACK TRANSACTION;") {
		f.t.Errorf("%s: the script is not one transaction with a rollback:\n%s", id, script)
	}
	dels := deleteRe.FindAllStringSubmatch(script, -1)
	ins := insertRe.FindAllStringSubmatch(script, -1)
	if len(dels) == 0 || len(dels) != len(ins) {
		f.t.Errorf("%s: %d deletes and %d inserts in:\n%s", id, len(dels), len(ins), script)
		return nil
	}
	for i, in := range ins {
		target, cols, date, selected, staging := f.local(in[1]), in[2], in[3], in[4], f.local(in[5])
		if f.local(dels[i][1]) != target || dels[i][2] != date {
			f.t.Errorf("%s: insert into %s %s follows a delete of %s %s", id, target, date, dels[i][1], dels[i][2])
		}
		if cols != selected {
			f.t.Errorf("%s: inserts (%s) but selects (%s)", id, cols, selected)
		}
		t, ok := f.tables[target]
		if !ok {
			return &bq.ErrorProto{Reason: "notFound", Message: "Not found: Table " + target}
		}
		given := map[string]bool{"snapshot_date": true}
		for _, c := range strings.Split(cols, ", ") {
			given[strings.Trim(c, "`")] = true
		}
		known := map[string]bool{}
		for _, fs := range t.Schema.Fields {
			known[fs.Name] = true
			if fs.Mode == "REQUIRED" && !given[fs.Name] {
				return &bq.ErrorProto{Reason: "invalidQuery", Message: "Required field " + fs.Name + " of " + target + " is not given"}
			}
		}
		for c := range given {
			if !known[c] {
				return &bq.ErrorProto{Reason: "invalidQuery", Message: "Column " + c + " is not present in table " + target}
			}
		}
		src, ok := f.staged[staging]
		if !ok {
			return &bq.ErrorProto{Reason: "notFound", Message: "Not found: Table " + staging}
		}
		if f.parts[target] == nil {
			f.parts[target] = map[string]content{}
		}
		f.parts[target][date] = src
	}
	return nil
}

// merge plays out a catalogue MERGE: the rows of the tables named in @tables are replaced by @rows.
func (f *fake) merge(id string, q *bq.JobConfigurationQuery) *bq.ErrorProto {
	m := regexp.MustCompile("^MERGE `([^`]+)` AS t").FindStringSubmatch(q.Query)
	if m == nil {
		f.t.Errorf("%s: MERGE into what? %s", id, q.Query)
		return nil
	}
	target := f.local(m[1])
	if _, ok := f.tables[target]; !ok {
		return &bq.ErrorProto{Reason: "notFound", Message: "Not found: Table " + target}
	}
	var rows []catalogRow
	names := map[string]bool{}
	for _, p := range q.QueryParameters {
		switch p.Name {
		case "tables":
			if p.ParameterType.Type != "ARRAY" || p.ParameterType.ArrayType.Type != "STRING" {
				f.t.Errorf("%s: @tables is %+v", id, p.ParameterType)
			}
			for _, v := range p.ParameterValue.ArrayValues {
				names[v.Value] = true
			}
		case "rows":
			st := p.ParameterType.ArrayType
			if p.ParameterType.Type != "ARRAY" || st.Type != "STRUCT" || len(st.StructTypes) != 3 || st.StructTypes[0].Name != "table_name" {
				f.t.Errorf("%s: @rows is not ARRAY<STRUCT<table_name, column_name, description>>", id)
				return nil
			}
			for _, v := range p.ParameterValue.ArrayValues {
				s := v.StructValues
				rows = append(rows, catalogRow{s["table_name"].Value, s["column_name"].Value, s["description"].Value})
			}
		}
	}
	var kept []catalogRow
	for _, r := range f.catalogs[target] {
		if !names[r.TableName] {
			kept = append(kept, r)
		}
	}
	f.catalogs[target] = append(kept, rows...)
	return nil
}

// local turns project.dataset.table into dataset.table, checking the project.
func (f *fake) local(qualified string) string {
	p, rest, _ := strings.Cut(qualified, ".")
	if p != f.project {
		f.t.Errorf("%s is outside project %s", qualified, f.project)
	}
	return rest
}

// snapshot copies the model's state, to compare two publishes.
func (f *fake) snapshot() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, _ := json.Marshal(struct {
		Datasets map[string]*bq.Dataset
		Tables   map[string]*bq.Table
		Parts    map[string]map[string]content
		Catalogs map[string][]catalogRow
		Objects  map[string][]byte
	}{f.datasets, f.tables, f.parts, f.catalogs, f.objects})
	return string(b)
}

// since returns the calls logged after the first n.
func (f *fake) since(n int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls[n:]...)
}
