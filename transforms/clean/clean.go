// Package clean normalises, validates and deduplicates each source's records into the cleaned
// tables: phones to E.164, e-mails, width folding, timestamps to UTC, money to integer fen, enums
// to their canonical values; records that fail validation become rejects with a reason code;
// replays of one natural key are dropped, the latest winning; bot traffic and test accounts are
// filtered by the sources config's rules; references between sources are checked last.
package clean

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/lookup"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/salt"
	"github.com/shopportraits/portraits/transforms/sources"
)

// Stage is the name of the validation stage in rejects and quality counts.
const Stage = "clean"

// Options are what every clean DoFn needs besides the sources config.
type Options struct {
	// Date is the business day being built (YYYY-MM-DD); later timestamps are in the future.
	Date string
	// SaltSource is where the hashing salt is read (package salt decides it at launch); it
	// travels with the DoFns, the salt does not.
	SaltSource salt.Source
}

// Salt reads the hashing salt from its source.
func (o Options) Salt() (string, error) { return o.SaltSource.Read(context.Background()) }

// env is what a parser needs: the source, its zone, the salt, the rules, the run's horizon, the
// currency, the phone region and the source's column mappings.
type env struct {
	src     sources.Source
	loc     *time.Location
	salt    string
	rules   *rules
	runDate time.Time
	horizon int64 // micros; timestamps after it are in the future
	// currency is the run's ISO 4217 code and digits the decimals of its minor unit.
	currency string
	digits   int
	// phoneRegion is the region of phones written without a country code.
	phoneRegion string
	// reshape applies constants, defaults and lookups (nil for none); values holds the values
	// maps of enum fields, keys folded and lower-cased.
	reshape *reshaper
	values  map[string]map[string]string
}

func newEnv(cfg *sources.Config, source string, opt Options) (*env, error) {
	src, ok := cfg.Lookup(source)
	if !ok {
		return nil, fmt.Errorf("unknown source %q", source)
	}
	loc, err := time.LoadLocation(src.Timezone)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", source, err)
	}
	biz, err := time.LoadLocation(cfg.BusinessTimezone)
	if err != nil {
		return nil, err
	}
	day, err := time.ParseInLocation(time.DateOnly, opt.Date, biz)
	if err != nil {
		return nil, fmt.Errorf("run date: %w", err)
	}
	salt, err := opt.Salt()
	if err != nil {
		return nil, err
	}
	r, err := compileRules(cfg.Rules, cfg.PhoneRegion)
	if err != nil {
		return nil, err
	}
	values, err := valueMaps(cfg, src)
	if err != nil {
		return nil, err
	}
	return &env{src: src, loc: loc, salt: salt, rules: r, runDate: day, horizon: dayEnd(day, biz),
		currency: cfg.Currency, digits: cfg.MinorDigits(), phoneRegion: cfg.PhoneRegion,
		reshape: newReshaper(src), values: values}, nil
}

// Result is one source's cleaned output.
type Result struct {
	// Rows are the source's cleaned rows, keyed by natural key, before deduplication.
	Rows beam.PCollection
	// Rejects are the records that failed validation.
	Rejects beam.PCollection
	// Counts are quality (key, count) pairs.
	Counts beam.PCollection
	// TestUsers are the ids of test accounts (users sources only).
	TestUsers beam.PCollection
	// RejectedProducts are KV<SKU, reason> of the rows of a products source that were rejected,
	// so that a line naming such a product says why it is missing from the catalog.
	RejectedProducts beam.PCollection
}

// Validate parses and validates one source's records into KV<natural key, row> of the kind's row
// type. lookups are the lookup tables (lookup.Entry, settled: see package lookup) the source's
// mappings look values up in; an unset collection stands for none.
func Validate(
	s beam.Scope,
	cfg *sources.Config,
	source string,
	opt Options,
	records, lookups beam.PCollection,
) (Result, error) {
	s = s.Scope("clean.Validate." + source)
	outs, err := validateN(s, cfg, source, opt, records, lookups, false)
	if err != nil {
		return Result{}, err
	}
	return Result{
		Rows:             outs[0],
		Rejects:          outs[1],
		Counts:           outs[2],
		TestUsers:        outs[3],
		RejectedProducts: outs[4],
	}, nil
}

// validateN adds the validating DoFn: rows, rejects, counts, test users and rejected products.
func validateN(
	s beam.Scope,
	cfg *sources.Config,
	source string,
	opt Options,
	records, lookups beam.PCollection,
	uncounted bool,
) ([]beam.PCollection, error) {
	src, ok := cfg.Lookup(source)
	if !ok {
		return nil, fmt.Errorf("clean: unknown source %q", source)
	}
	if _, err := newEnv(cfg, source, opt); err != nil {
		return nil, fmt.Errorf("clean: %w", err)
	}
	rowType, err := RowType(src.Kind)
	if err != nil {
		return nil, err
	}
	if !lookups.IsValid() || !newReshaper(src).usesLookups() {
		lookups = lookup.None(s) // a source that looks nothing up does not wait for the tables
	}
	return beam.ParDoN(
		s,
		&validateFn{Config: cfg, Source: source, Options: opt, Uncounted: uncounted},
		records,
		beam.SideInput{Input: lookups},
		beam.TypeDefinition{Var: beam.XType, T: rowType},
	), nil
}

// ValidRows is Validate's rows alone, for a pass over records that are read a second time: it
// emits no rejects, quality counts or Beam counters, which the counted pass gives.
func ValidRows(
	s beam.Scope,
	cfg *sources.Config,
	source string,
	opt Options,
	records, lookups beam.PCollection,
) (beam.PCollection, error) {
	s = s.Scope("clean.ValidRows." + source)
	outs, err := validateN(s, cfg, source, opt, records, lookups, true)
	if err != nil {
		return beam.PCollection{}, err
	}
	return outs[0], nil
}

// RowType is the Go type of a kind's cleaned rows.
func RowType(kind string) (reflect.Type, error) {
	table, ok := sources.KindTable[kind]
	if !ok {
		return nil, fmt.Errorf("clean: unknown kind %q", kind)
	}
	t, err := schemas.Lookup(table)
	if err != nil {
		return nil, err
	}
	return t.Type, nil
}

// validateFn parses one source's records with the parser of its kind, after the source's
// reshaping mappings (constants, defaults, lookups from the side input, read once per instance).
type validateFn struct {
	Config  *sources.Config
	Source  string
	Options Options
	// Uncounted leaves the rejects, test users, quality counts and Beam counters alone (ValidRows).
	Uncounted bool

	env    *env
	parse  parser
	tables lookup.Tables
	counts quality.Tally
}

func (f *validateFn) Setup() error {
	e, err := newEnv(f.Config, f.Source, f.Options)
	if err != nil {
		return fmt.Errorf("clean: %w", err)
	}
	f.env, f.parse = e, parsers[e.src.Kind]
	return nil
}

func (f *validateFn) StartBundle(
	_ context.Context,
	_ func() func(*lookup.Entry) bool,
	_ func(string, beam.X),
	_ func(schemas.Reject),
	_ func(string, int64),
	_ func(string),
	_ func(string, string),
) {
	f.counts = nil
	if !f.Uncounted {
		f.counts = quality.Tally{}
	}
}

func (f *validateFn) ProcessElement(
	_ context.Context,
	rec ingest.Record,
	lookups func() func(*lookup.Entry) bool,
	emit func(string, beam.X),
	reject func(schemas.Reject),
	_ func(string, int64),
	testUser func(string),
	rejectedProduct func(string, string),
) {
	key := func(measure, reason string) quality.Key {
		return quality.Key{Source: f.Source, Stage: Stage, Measure: measure, Reason: reason}
	}
	f.counts.Add(key(quality.In, ""), 1)
	fl := &fields{rec: rec, env: f.env}
	var row schemas.Keyed
	if r := f.env.reshape; r != nil {
		if r.continues(rec) {
			f.counts.Add(key(quality.Deduplicated, ReasonContinuation), 1)
			return
		}
		if r.usesLookups() && f.tables == nil {
			f.tables = lookup.Drain(lookups())
		}
		fl.rec.Fields, fl.err = r.apply(rec, f.tables)
	}
	if fl.err == nil {
		row = f.parse(fl)
	}
	if fl.err != nil {
		if f.Uncounted {
			return // the counted pass over the same rows makes the reject
		}
		f.counts.Add(key(quality.Rejected, fl.err.reason), 1)
		reject(rec.Reject(Stage, fl.err.reason, fl.err.detail))
		switch r := row.(type) {
		case schemas.User:
			if fl.err.reason == "test_account" {
				testUser(r.UserID)
			}
		case schemas.Product:
			if r.SKU != "" {
				rejectedProduct(r.SKU, fl.err.reason)
			}
		}
		return
	}
	for _, field := range fl.nulled {
		f.counts.Add(key(quality.Nulled, field), 1)
	}
	f.counts.Add(key(quality.Out, ""), 1)
	emit(row.NaturalKey(), row)
}

func (f *validateFn) FinishBundle(
	ctx context.Context,
	_ func() func(*lookup.Entry) bool,
	_ func(string, beam.X),
	_ func(schemas.Reject),
	count func(string, int64),
	_ func(string),
	_ func(string, string),
) {
	f.counts.Emit(ctx, count)
}

func init() {
	fnreg.DoFn8x0[context.Context, ingest.Record, func() func(*lookup.Entry) bool,
		func(string, beam.X), func(schemas.Reject),
		func(string, int64), func(string), func(string, string)](
		&validateFn{},
	)
	register.Emitter2[string, beam.X]()
	register.Emitter2[string, string]()
	register.Emitter1[string]()
}
