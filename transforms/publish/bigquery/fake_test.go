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

// fake speaks enough of the BigQuery REST API (datasets, tables, jobs) and of the GCS upload API
// for the real clients to publish against it. Every request body is decoded into the API's own
// types with unknown fields refused; jobs are checked and played out on a model of the warehouse:
// which rows (counted from the Parquet files loaded) sit in which partition of which table.
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
	created  map[string]*bq.Table // every table created, dropped or not
	body     []byte               // the last request body decoded
	jobs     map[string]*bq.Job
	polls    map[string]int
	objects  map[string][]byte // gs://bucket/name
	uploads  map[string][]byte // every upload, removed or not
	calls    []string

	// queries are the query jobs received, in order: their SQL and parameters.
	queries []query
	// results are the rows each query job answers (getQueryResults).
	results map[string]*bq.GetQueryResultsResponse
	// published are the nights whose published_runs row a script wrote.
	published map[string]bool

	// running is how many polls of a job answer RUNNING before it is DONE.
	running int
	// fail makes a job fail with the returned error, when not nil.
	fail func(*bq.Job) *bq.ErrorProto
	// failStatement makes a script fail at a statement with the returned error, when not nil: the
	// statements before it have been played out, as BigQuery's would have run.
	failStatement func(st string) *bq.ErrorProto
	// answer, when set, answers a SELECT first: its column types and rows (strings or nil), and
	// whether it answered.
	answer func(sql string, params map[string][]string) ([]string, [][]any, bool)
}

// query is one query job as the fake received it.
type query struct {
	ID     string // without the client's random suffix
	SQL    string
	Params map[string][]string // each parameter's value, or its array's values
}

type content struct {
	Rows  int64
	Files string
}

func newFake(t *testing.T) (*fake, *bigquery.Client) {
	f := &fake{
		t:         t,
		project:   "test-project",
		datasets:  map[string]*bq.Dataset{},
		tables:    map[string]*bq.Table{},
		parts:     map[string]map[string]content{},
		staged:    map[string]content{},
		catalogs:  map[string][]catalogRow{},
		jobs:      map[string]*bq.Job{},
		polls:     map[string]int{},
		objects:   map[string][]byte{},
		uploads:   map[string][]byte{},
		running:   1,
		results:   map[string]*bq.GetQueryResultsResponse{},
		published: map[string]bool{},
		created:   map[string]*bq.Table{},
	}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	t.Setenv("STORAGE_EMULATOR_HOST", srv.Listener.Addr().String())
	c, err := bigquery.NewClient(
		context.Background(),
		f.project,
		option.WithEndpoint(
			srv.URL+"/bigquery/v2/",
		),
		option.WithoutAuthentication(),
		option.WithHTTPClient(srv.Client()),
	)
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
	json.NewEncoder(w).
		Encode(map[string]any{"error": map[string]any{"code": code, "message": msg,
			"errors": []any{map[string]any{"message": msg, "reason": http.StatusText(code)}}}})
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// decode reads a request body into one of the API's types, refusing fields the type does not have;
// f.body keeps the raw body, to see which fields it names.
func (f *fake) decode(r *http.Request, v any) bool {
	body, err := io.ReadAll(r.Body)
	if err == nil {
		f.body = body
		d := json.NewDecoder(bytes.NewReader(body))
		d.DisallowUnknownFields()
		err = d.Decode(v)
	}
	if err != nil {
		f.t.Errorf("%s %s: body is not a %T: %v", r.Method, r.URL.Path, v, err)
		return false
	}
	return true
}

var (
	datasetPath = regexp.MustCompile(`^/bigquery/v2/projects/([^/]+)/datasets(?:/([^/]+))?$`)
	tablePath   = regexp.MustCompile(
		`^/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables(?:/([^/]+))?$`,
	)
	jobPath     = regexp.MustCompile(`^/bigquery/v2/projects/([^/]+)/jobs(?:/([^/]+))?$`)
	resultsPath = regexp.MustCompile(`^/bigquery/v2/projects/([^/]+)/queries/([^/]+)$`)
	uploadPath  = regexp.MustCompile(`^/upload/storage/v1/b/([^/]+)/o$`)
	objectPath  = regexp.MustCompile(`^/storage/v1/b/([^/]+)/o/(.+)$`)
	listPath    = regexp.MustCompile(`^/storage/v1/b/([^/]+)/o$`)
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
	if m := listPath.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodGet {
		prefix := "gs://" + m[1] + "/" + r.URL.Query().Get("prefix")
		var items []map[string]any
		for uri, data := range f.objects {
			if strings.HasPrefix(uri, prefix) {
				items = append(
					items,
					map[string]any{
						"bucket": m[1],
						"name":   strings.TrimPrefix(uri, "gs://"+m[1]+"/"),
						"size":   fmt.Sprint(len(data)),
					},
				)
			}
		}
		f.log("GET objects %s*", prefix)
		reply(w, map[string]any{"kind": "storage#objects", "items": items})
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
	if m := resultsPath.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodGet {
		f.checkProject(m[1])
		res, ok := f.results[m[2]]
		if !ok {
			f.t.Errorf("results of job %s, which answers none", m[2])
			apiError(w, http.StatusNotFound, "Not found: Job "+m[2])
			return
		}
		reply(w, res)
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
			list.Tables = append(
				list.Tables,
				&bq.TableListTables{
					TableReference: t.TableReference,
					Type:           t.Type,
					Id:             f.project + ":" + ds + "." + n,
				},
			)
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
			if e := f.filtered(t.View.Query); e != nil {
				apiError(w, http.StatusBadRequest, e.Message)
				return
			}
			t.Type = "VIEW"
		} else {
			f.log("POST datasets/%s/tables %s (%d columns)", ds, t.TableReference.TableId,
				len(t.Schema.Fields))
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
		created := t
		f.created[key] = &created
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
		var what []string
		if t.TimePartitioning != nil {
			have.TimePartitioning = t.TimePartitioning
			what = append(what, fmt.Sprintf("expirationMs=%d", t.TimePartitioning.ExpirationMs))
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(f.body, &fields); err != nil {
			f.t.Error(err)
		}
		if _, ok := fields["requirePartitionFilter"]; ok {
			have.RequirePartitionFilter = t.RequirePartitionFilter
			what = append(what, fmt.Sprintf("requirePartitionFilter=%v", t.RequirePartitionFilter))
		}
		if tp := t.TimePartitioning; tp != nil &&
			tp.RequirePartitionFilter != have.RequirePartitionFilter {
			f.t.Errorf(
				"PATCH %s: timePartitioning.requirePartitionFilter %v contradicts the table's %v",
				key,
				tp.RequirePartitionFilter,
				have.RequirePartitionFilter,
			)
		}
		if t.View != nil {
			if e := f.filtered(t.View.Query); e != nil {
				apiError(w, http.StatusBadRequest, e.Message)
				return
			}
		}
		f.log("PATCH datasets/%s/tables/%s %s", ds, id, strings.Join(what, " "))
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
		f.t.Errorf(
			"upload of content type %q (want a multipart upload)",
			r.Header.Get("Content-Type"),
		)
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
			j.Status.Errors = []*bq.ErrorProto{
				e,
				{Reason: "invalid", Message: "and a second reason"},
			}
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
		f.log(
			"POST jobs %s load %v -> %s format=%s write=%s create=%s listInference=%v",
			id,
			l.SourceUris,
			dst,
			l.SourceFormat,
			l.WriteDisposition,
			l.CreateDisposition,
			l.ParquetOptions != nil && l.ParquetOptions.EnableListInference,
		)
		if l.SourceFormat != "PARQUET" || l.WriteDisposition != "WRITE_EMPTY" ||
			l.CreateDisposition != "CREATE_NEVER" {
			f.t.Errorf(
				"load %s: format %s, write %s, create %s",
				id,
				l.SourceFormat,
				l.WriteDisposition,
				l.CreateDisposition,
			)
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
				return &bq.ErrorProto{
					Reason:  "invalid",
					Message: fmt.Sprintf("%s is not Parquet: %v", u, err),
				}
			}
			rows += pf.NumRows()
		}
		if _, ok := f.tables[dst]; !ok {
			return &bq.ErrorProto{Reason: "notFound", Message: "Not found: Table " + dst}
		}
		if _, full := f.staged[dst]; full {
			return &bq.ErrorProto{
				Reason:  "duplicate",
				Message: "Table " + dst + " is not empty (WRITE_EMPTY)",
			}
		}
		f.staged[dst] = content{Rows: rows, Files: strings.Join(l.SourceUris, " ")}
		j.Statistics.Load = &bq.JobStatistics3{
			OutputRows: rows,
			InputFiles: int64(len(l.SourceUris)),
		}
	case j.Configuration.Query != nil:
		q := j.Configuration.Query
		if q.UseLegacySql == nil || *q.UseLegacySql {
			f.t.Errorf("query %s does not say useLegacySql=false", id)
		}
		params := f.params(id, q)
		f.queries = append(f.queries, query{ID: id, SQL: q.Query, Params: params})
		if f.fail != nil {
			if e := f.fail(j); e != nil {
				return e
			}
		}
		stmts, inTx := []string{q.Query}, 0
		if strings.HasPrefix(q.Query, "BEGIN\n") {
			// The transaction's block, then what runs once it committed.
			block, after, _ := strings.Cut(q.Query, "\nEND;")
			if !strings.Contains(block, "  BEGIN TRANSACTION;\n") ||
				!strings.HasSuffix(block+"\nEND;", "  COMMIT TRANSACTION;\n"+
					"EXCEPTION WHEN ERROR THEN\n  ROLLBACK TRANSACTION;\n"+
					"  RAISE USING MESSAGE = @@error.message;\nEND;") {
				f.t.Errorf(
					"%s: the script is not one transaction with a rollback:\n%s",
					id,
					q.Query,
				)
			}
			body := q.Query[strings.Index(q.Query, "BEGIN TRANSACTION;\n")+
				len("BEGIN TRANSACTION;\n") : strings.Index(q.Query, "  COMMIT TRANSACTION;")]
			stmts = strings.Split(strings.TrimSuffix(body, ";\n"), ";\n  ")
			for i := range stmts {
				stmts[i] = strings.ReplaceAll(stmts[i], "\n  ", "\n")
			}
			inTx = len(stmts)
			if after = strings.TrimSpace(after); after != "" {
				stmts = append(stmts, strings.Split(strings.TrimSuffix(after, ";"), ";\n")...)
			}
			f.log("POST jobs %s query script (%d statements, %d after the commit)", id, inTx,
				len(stmts)-inTx)
		} else {
			f.log("POST jobs %s query %s", id, firstLine(q.Query))
		}
		for i, st := range stmts {
			st = strings.TrimSpace(st)
			// BigQuery refuses DDL on permanent tables and views inside a transaction.
			permanent := strings.HasPrefix(st, "CREATE") && !strings.HasPrefix(st, "CREATE TEMP")
			if i < inTx && permanent {
				return &bq.ErrorProto{Reason: "invalidQuery", Message: "DDL statements on " +
					"permanent entities are not supported in a transaction: " + firstLine(st)}
			}
			if f.failStatement != nil {
				if e := f.failStatement(st); e != nil {
					return e
				}
			}
			if e := f.statement(id, st); e != nil {
				return e
			}
		}
		if strings.HasPrefix(q.Query, "SELECT") {
			f.results[j.JobReference.JobId] = f.select_(q.Query, params)
		}
		if strings.HasPrefix(q.Query, "MERGE") &&
			strings.Contains(firstLine(q.Query), ".table_catalog`") {
			return f.merge(id, q)
		}
	default:
		f.t.Errorf("job %s is neither a load nor a query", id)
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	if len(line) > 60 {
		line = line[:60]
	}
	return line
}

var (
	refRe    = regexp.MustCompile("`test-project\\.([^.`]+)\\.([^`]+)`")
	insertRe = regexp.MustCompile("^INSERT INTO `([^`]+)` \\(([^)]*)\\)")
	mergeRe  = regexp.MustCompile("^MERGE `([^`]+)` AS t\n")
	mergeIns = regexp.MustCompile("\n  INSERT \\(([^)]*)\\) VALUES")
	renameRe = regexp.MustCompile(
		"^ALTER TABLE `test-project\\.([^.`]+)\\.([^`]+)` RENAME TO `([^`]+)`$",
	)
	paramRe = regexp.MustCompile(`(^|[^@])@([a-z_][a-z0-9_]*)`)
	viewRe  = regexp.MustCompile("(?s)^CREATE OR REPLACE VIEW " +
		"`test-project\\.([^.`]+)\\.([^`]+)`\n" +
		"OPTIONS \\(description = '((?:[^'\\\\]|\\\\.)*)', " +
		"labels = \\[\\('managed_by', 'portraits_publish'\\)\\]\\)\nAS\n(.+)$")
	runRe = regexp.MustCompile(
		"^INSERT INTO `[^`]+\\.published_runs` \\([^)]*\\)\nVALUES \\(DATE '([0-9-]+)'",
	)
	replRe = regexp.MustCompile(
		"^INSERT INTO `([^`]+)` \\(snapshot_date, [^)]*\\)\nSELECT DATE '([0-9-]+)', .* FROM `([^`]+)`$",
	)
)

// params reads a query's parameters, and checks that the SQL uses each and names no other.
func (f *fake) params(id string, q *bq.JobConfigurationQuery) map[string][]string {
	out := map[string][]string{}
	for _, p := range q.QueryParameters {
		var vals []string
		switch {
		case p.ParameterValue.ArrayValues != nil || p.ParameterType.Type == "ARRAY":
			for _, v := range p.ParameterValue.ArrayValues {
				vals = append(vals, v.Value)
			}
		default:
			vals = []string{p.ParameterValue.Value}
		}
		out[p.Name] = vals
	}
	used := map[string]bool{}
	for _, m := range paramRe.FindAllStringSubmatch(q.Query, -1) {
		used[m[2]] = true
		if _, ok := out[m[2]]; !ok {
			f.t.Errorf("%s: @%s has no parameter:\n%s", id, m[2], q.Query)
		}
	}
	for name := range out {
		if !used[name] {
			f.t.Errorf("%s: parameter %s is not used", id, name)
		}
	}
	return out
}

// statement checks one statement against the model and plays out what the model follows: renames,
// views, the nights published, the snapshots' partitions.
func (f *fake) statement(id, st string) *bq.ErrorProto {
	if m := viewRe.FindStringSubmatch(st); m != nil {
		return f.view(m[1], m[2], m[3], m[4])
	}
	if m := renameRe.FindStringSubmatch(st); m != nil {
		from, to := m[1]+"."+m[2], m[1]+"."+m[3]
		t, ok := f.tables[from]
		if !ok {
			return &bq.ErrorProto{Reason: "notFound", Message: "Not found: Table " + from}
		}
		if _, ok := f.tables[to]; ok {
			return &bq.ErrorProto{Reason: "duplicate", Message: "Already Exists: Table " + to}
		}
		delete(f.tables, from)
		t.TableReference.TableId = m[3]
		f.tables[to] = t
		return nil
	}
	target := ""
	if m := insertRe.FindStringSubmatch(st); m != nil {
		target = f.local(m[1])
		if e := f.columnsGiven(id, target, m[2]); e != nil {
			return e
		}
	}
	if m := mergeRe.FindStringSubmatch(st); m != nil {
		target = f.local(m[1])
		if ins := mergeIns.FindStringSubmatch(st); ins != nil {
			if e := f.columnsGiven(id, target, ins[1]); e != nil {
				return e
			}
		}
	}
	for i, m := range refRe.FindAllStringSubmatch(st, -1) {
		key := m[1] + "." + m[2]
		t, ok := f.tables[key]
		if !ok {
			return &bq.ErrorProto{
				Reason:  "notFound",
				Message: "Not found: Table " + f.project + ":" + key,
			}
		}
		if i == 0 && strings.HasPrefix(st, "INSERT INTO") {
			continue // written, not read
		}
		if e := f.filteredOn(key, t, st); e != nil {
			return e
		}
	}
	if m := runRe.FindStringSubmatch(st); m != nil {
		f.published[m[1]] = true
	}
	if m := replRe.FindStringSubmatch(st); m != nil {
		dst, src := f.local(m[1]), f.local(m[3])
		if f.parts[dst] == nil {
			f.parts[dst] = map[string]content{}
		}
		f.parts[dst][m[2]] = f.staged[src]
	}
	return nil
}

// view plays out a CREATE OR REPLACE VIEW: the view is created, or replaced when its query or
// description changed; a table of the name is refused.
func (f *fake) view(ds, name, quoted, query string) *bq.ErrorProto {
	key := ds + "." + name
	if _, ok := f.datasets[ds]; !ok {
		return &bq.ErrorProto{Reason: "notFound", Message: "Not found: Dataset " + ds}
	}
	if e := f.filtered(query); e != nil {
		return e
	}
	for _, m := range refRe.FindAllStringSubmatch(query, -1) {
		if _, ok := f.tables[m[1]+"."+m[2]]; !ok {
			return &bq.ErrorProto{
				Reason:  "notFound",
				Message: "Not found: Table " + m[1] + "." + m[2],
			}
		}
	}
	desc := regexp.MustCompile(`\\(.)`).ReplaceAllString(quoted, "$1")
	have, ok := f.tables[key]
	switch {
	case ok && have.Type != "VIEW":
		return &bq.ErrorProto{Reason: "invalidQuery",
			Message: "Cannot replace " + key + ": it is a " + have.Type + ", not a view"}
	case ok && have.View.Query == query && have.Description == desc:
		return nil
	case ok:
		have.View.Query, have.Description, have.Etag = query, desc, have.Etag+"+"
		return nil
	}
	v := &bq.Table{
		TableReference: &bq.TableReference{ProjectId: f.project, DatasetId: ds, TableId: name},
		Type:           "VIEW",
		View:           &bq.ViewDefinition{Query: query},
		Description:    desc,
		Labels:         map[string]string{"managed_by": "portraits_publish"},
		Etag:           "1",
	}
	f.tables[key] = v
	created := *v
	f.created[key] = &created
	return nil
}

// filtered checks that a query filters every table it reads that requires a partition filter.
func (f *fake) filtered(sql string) *bq.ErrorProto {
	for _, m := range refRe.FindAllStringSubmatch(sql, -1) {
		key := m[1] + "." + m[2]
		if t, ok := f.tables[key]; ok {
			if e := f.filteredOn(key, t, sql); e != nil {
				return e
			}
		}
	}
	return nil
}

// filteredOn checks that a statement reading table t filters its partition column by a constant,
// when t requires it (as BigQuery refuses the query otherwise).
func (f *fake) filteredOn(key string, t *bq.Table, st string) *bq.ErrorProto {
	if !t.RequirePartitionFilter {
		return nil
	}
	if !regexp.MustCompile(t.TimePartitioning.Field + ` (=|>=|BETWEEN) DATE '`).MatchString(st) {
		return &bq.ErrorProto{
			Reason: "invalidQuery",
			Message: "Cannot query over table '" + key + "' without a filter over " +
				"column(s) '" + t.TimePartitioning.Field + "' that can be used for partition elimination",
		}
	}
	return nil
}

// columnsGiven checks that an insert names columns the table has, and every REQUIRED one.
func (f *fake) columnsGiven(id, target, list string) *bq.ErrorProto {
	t, ok := f.tables[target]
	if !ok {
		return &bq.ErrorProto{Reason: "notFound", Message: "Not found: Table " + target}
	}
	given := map[string]bool{}
	for _, c := range strings.Split(list, ", ") {
		given[strings.Trim(c, "`")] = true
	}
	known := map[string]bool{}
	for _, fs := range t.Schema.Fields {
		known[fs.Name] = true
		if fs.Mode == "REQUIRED" && !given[fs.Name] {
			return &bq.ErrorProto{
				Reason:  "invalidQuery",
				Message: "Required field " + fs.Name + " of " + target + " is not given",
			}
		}
	}
	for c := range given {
		if !known[c] {
			return &bq.ErrorProto{
				Reason:  "invalidQuery",
				Message: "Column " + c + " is not present in table " + target,
			}
		}
	}
	return nil
}

var (
	countRe = regexp.MustCompile(
		"^SELECT COUNT\\(\\*\\) FROM `([^`]+)`( WHERE snapshot_date = DATE '([0-9-]+)'| WHERE " +
			"`[a-z_]+` >= TIMESTAMP '[^']+')?$",
	)
	publishedRe = regexp.MustCompile(
		"^SELECT CAST\\(MAX\\(snapshot_date\\) AS STRING\\), CAST\\(MAX\\(CASE WHEN snapshot_date " +
			"< DATE '([0-9-]+)'",
	)
)

// select_ answers a SELECT: the test's answer first; else the nights published; a staging table's
// rows (all fresh); a snapshot partition's rows; 0 for the other counts; no rows otherwise.
func (f *fake) select_(sql string, params map[string][]string) *bq.GetQueryResultsResponse {
	types, rows, ok := []string(nil), [][]any(nil), false
	if f.answer != nil {
		types, rows, ok = f.answer(sql, params)
	}
	if !ok {
		switch m, c := publishedRe.FindStringSubmatch(sql), countRe.FindStringSubmatch(sql); {
		case m != nil:
			var newest, previous any
			for d := range f.published {
				if newest == nil || d > newest.(string) {
					newest = d
				}
				if d < m[1] && (previous == nil || d > previous.(string)) {
					previous = d
				}
			}
			types, rows = []string{"STRING", "STRING"}, [][]any{{newest, previous}}
		case c != nil && c[3] != "":
			types, rows = []string{
				"INTEGER",
			}, [][]any{
				{fmt.Sprint(f.parts[f.local(c[1])][c[3]].Rows)},
			}
		case c != nil:
			types, rows = []string{"INTEGER"}, [][]any{{fmt.Sprint(f.staged[f.local(c[1])].Rows)}}
		case strings.HasPrefix(sql, "SELECT COUNT(*)") ||
			strings.HasPrefix(sql, "SELECT CAST(COALESCE(SUM"):
			types, rows = []string{"INTEGER"}, [][]any{{"0"}}
		default:
			types = []string{"STRING"}
		}
	}
	res := &bq.GetQueryResultsResponse{
		JobComplete: true,
		Schema:      &bq.TableSchema{},
		TotalRows:   uint64(len(rows)),
	}
	for i, typ := range types {
		res.Schema.Fields = append(
			res.Schema.Fields,
			&bq.TableFieldSchema{Name: fmt.Sprintf("f%d", i), Type: typ, Mode: "NULLABLE"},
		)
	}
	for _, r := range rows {
		row := &bq.TableRow{}
		for _, v := range r {
			row.F = append(row.F, &bq.TableCell{V: v})
		}
		res.Rows = append(res.Rows, row)
	}
	return res
}

// sqls are the SQL of the query jobs whose ids start with prefix, in order.
func (f *fake) sqls(prefix string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, q := range f.queries {
		if strings.HasPrefix(q.ID, prefix) {
			out = append(out, q.SQL)
		}
	}
	return out
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
			if p.ParameterType.Type != "ARRAY" || st.Type != "STRUCT" || len(st.StructTypes) != 3 ||
				st.StructTypes[0].Name != "table_name" {
				f.t.Errorf(
					"%s: @rows is not ARRAY<STRUCT<table_name, column_name, description>>",
					id,
				)
				return nil
			}
			for _, v := range p.ParameterValue.ArrayValues {
				s := v.StructValues
				rows = append(
					rows,
					catalogRow{
						s["table_name"].Value,
						s["column_name"].Value,
						s["description"].Value,
					},
				)
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
