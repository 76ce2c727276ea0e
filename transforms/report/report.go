// Package report writes a finished run's report: one self-contained HTML page, report.html beside
// the run's manifest (OUTPUT/dt=DATE/report.html), with charts and the tables of their numbers.
//
// The page opens with what marketers read first: the night's headline figures (persons, buyers,
// GMV, repeat rate, the top 20% of buyers' GMV share, mean CLV) with the change since the night
// before and a line of the last 30 nights, read from each earlier run's headline.json (which this
// package writes beside the report); and the lifecycle flow, persons by stage on the night the run
// continued and tonight.
//
// It reads the run's tables through the sink's manifest: the data-quality gates (given the sources
// config), the record balance, rejects, guards, links and audiences from `quality` (read once);
// the headline, the flow, the customers, the lifecycle funnel, the RFM grid and the CLV
// distribution from `portraits` (streamed a batch of rows at a time, never held whole; the flow
// holds the earlier night's stage per person); segment sizes and their change since last night
// from `segment_summary`; the clusters from `cluster_profiles`; the top rules from
// `affinity_rules`; and the model card (a `model_card` table, or model_card.json beside
// the manifest). A section whose table is missing says so on the page; a missing table never
// fails the report.
//
// Charts are built with go-echarts and drawn by Apache ECharts 5.6.0, vendored in assets/ and
// inlined into the page, so it opens without network access. The same run gives the same bytes:
// the page shows the manifest's time, never the time of rendering.
//
// The page is written in English or simplified Chinese (Options.Lang; by default Chinese when the
// sources config's business_timezone is in China, Hong Kong, Macau or Taiwan). Every word the page
// shows is written in English in the code, wrapped where it stands: tr("Segments") for a fixed
// string, trf("%s buyers without a lifetime value are left out.", n) for a sentence with values,
// trCode(stage) for a code's display name, trList(...) for a table's head; chart titles, axis
// and series names are passed to the chart helpers already wrapped. Its Chinese is one line of
// zh.go, keyed by that English text: {"Segments", "人群细分"}. TestEveryWordHasChinese (every
// string literal given to tr, trf or trList) and TestChinesePage (every string the fixture's page
// needed) fail until the line is there. Data values (segment, category, province and brand
// names, SKUs) and the engineer's codes (sources, stages, reject reasons) are shown as they are.
package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/sources"
)

// FileName is the report's name inside the run folder.
const FileName = "report.html"

// Tables the report reads.
const (
	qualityTable   = "quality"
	portraitsTable = "portraits"
	segmentsTable  = "segment_summary"
	affinityTable  = "affinity_rules"
	modelCardTable = "model_card"
)

// Options tune the report; zero values take the defaults.
type Options struct {
	// TopRules is how many affinity rules of each level are listed (default 15).
	TopRules int
	// CLVBins is about how many bars the CLV histogram has (default 20).
	CLVBins int
	// ModelCardFile is the model card's JSON file in the run folder, read when the run has no
	// model_card table (default model_card.json).
	ModelCardFile string
	// PredictionCardFile is the propensity and churn models' card in the run folder, shown after
	// the model card when present (default prediction_card.json).
	PredictionCardFile string
	// Sources is the run's sources config, whose data-quality gates the report holds the run to;
	// nil leaves the gates out.
	Sources *sources.Config
	// History is the folder of the finished runs (OUTPUT) whose headline files and portraits give
	// the changes since earlier nights, when the run lies elsewhere (an attempt's folder before it
	// is published); "" for the run's own output.
	History string
	// Previous is the date of the night the run continued, when its manifest does not say yet
	// (an attempt's manifest gets it when published).
	Previous string
	// Lang is the page's language, English ("en") or Chinese ("zh"); "" takes it from the sources
	// config's business_timezone: Chinese for a zone of China, Hong Kong, Macau or Taiwan, else
	// English (also without a config, or when the config names no zone).
	Lang string
}

func (o Options) withDefaults() Options {
	if o.TopRules <= 0 {
		o.TopRules = 15
	}
	if o.CLVBins <= 0 {
		o.CLVBins = 20
	}
	if o.ModelCardFile == "" {
		o.ModelCardFile = "model_card.json"
	}
	if o.PredictionCardFile == "" {
		o.PredictionCardFile = "prediction_card.json"
	}
	return o
}

// Report is a run's report: what the page says, section by section.
type Report struct {
	// Lang is the page's language: English ("en") or Chinese ("zh").
	Lang          string
	Date, RunID   string
	CreatedAt     string // when the run finished, from its manifest
	SchemaVersion int
	// Headline is the night's headline figures, nil when the run has no portraits.
	Headline *Headline
	Sections []Section
	// untranslated lists the words of a Chinese page that zh.go lacks, shown in English.
	untranslated []string
}

// Render writes OUTPUT/dt=DATE/report.html for a finished run (local or gs://), with the default
// options. A run without a manifest is an error.
func Render(ctx context.Context, output, date string) error {
	return RenderWith(ctx, output, date, Options{})
}

// RenderWith is Render with options.
func RenderWith(ctx context.Context, output, date string, o Options) error {
	r, err := Build(ctx, output, date, o)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		return err
	}
	if r.Headline != nil {
		data, err := json.MarshalIndent(r.Headline, "", "  ")
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if err := writeFile(ctx, inRun(output, date, HeadlineFile), append(data, '\n')); err != nil {
			return err
		}
	}
	return writeFile(ctx, inRun(output, date, FileName), buf.Bytes())
}

// Build reads a finished run and computes every section of its report.
func Build(ctx context.Context, output, date string, o Options) (*Report, error) {
	o = o.withDefaults()
	if err := CheckLang(o.Lang); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if o.Lang == "" {
		o.Lang = defaultLang(o.Sources)
	}
	if o.History == "" {
		o.History = output
	}
	m, err := sink.ReadManifest(ctx, output, date)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	defer speak(o.Lang, m.Currency)()
	r := &Report{Date: date, RunID: m.RunID, CreatedAt: m.CreatedAt, SchemaVersion: m.SchemaVersion}
	r.Lang = o.Lang
	// Marketers first: the headline, the portraits, the segments and rules; then the engineer's.
	secs, headline, err := portraitsFromRun(ctx, output, date, m, o)
	if err != nil {
		return nil, err
	}
	if headline != nil {
		nights, err := history(ctx, o.History, date, HistoryNights-1)
		if err != nil {
			return nil, err
		}
		r.Headline = headline
		secs = append([]Section{headlineSection(append(nights, *headline))}, secs...)
	}
	r.Sections = secs
	if err := r.add(ctx, output, date, m, o, feedbackFromRun); err != nil {
		return nil, err
	}
	// The quality counts feed the audiences and the engineer's counts: read once.
	quality, hasQuality, err := qualityOf(ctx, output, date, m)
	if err != nil {
		return nil, err
	}
	if err := r.add(ctx, output, date, m, o, segmentsFromRun); err != nil {
		return nil, err
	}
	r.Sections = append(r.Sections, audienceSections(quality, hasQuality)...)
	if err := r.add(ctx, output, date, m, o, clustersFromRun, affinityFromRun); err != nil {
		return nil, err
	}
	r.Sections = append(r.Sections, overviewSection(m))
	counts, err := countsOf(quality, hasQuality, o)
	if err != nil {
		return nil, err
	}
	r.Sections = append(r.Sections, counts...)
	if err := r.add(ctx, output, date, m, o, matchingFromRun, modelCardFromRun); err != nil {
		return nil, err
	}
	r.untranslated = words.missing()
	return r, nil
}

// qualityOf reads the run's quality counts; ok is false when the run has no quality table.
func qualityOf(ctx context.Context, output, date string, m *sink.Manifest) (
	rows []schemas.QualityCount, ok bool, err error) {
	if _, ok := m.Tables[qualityTable]; !ok {
		return nil, false, nil
	}
	rows, err = sink.ReadTable[schemas.QualityCount](ctx, output, date, qualityTable)
	if err != nil {
		return nil, false, fmt.Errorf("report: %w", err)
	}
	return rows, true, nil
}

// sectionsOf makes sections from a run's tables and files.
type sectionsOf func(context.Context, string, string, *sink.Manifest, Options) ([]Section, error)

// add appends the sections of each step, in order.
func (r *Report) add(ctx context.Context, output, date string, m *sink.Manifest, o Options,
	steps ...sectionsOf) error {
	for _, step := range steps {
		secs, err := step(ctx, output, date, m, o)
		if err != nil {
			return err
		}
		r.Sections = append(r.Sections, secs...)
	}
	return nil
}

// missing is a section whose table the run does not have.
func missing(id, title, table string) Section {
	return Section{
		ID:    id,
		Title: tr(title),
		Note:  trf("This run has no %s table: section skipped.", table),
	}
}

// countsOf is the engineer's sections of the quality counts: gates, records, rejects and the
// resolve stage's guards and links; present is false when the run has no quality table.
func countsOf(rows []schemas.QualityCount, present bool, o Options) ([]Section, error) {
	if !present {
		return []Section{missing("gates", "Data-quality gates", qualityTable),
			missing("counts", "Records per source and stage", qualityTable),
			missing("rejects", "Rejects by reason", qualityTable),
			missing("resolve", "Identity resolution: guards and links", qualityTable)}, nil
	}
	secs, err := countSections(rows)
	if err != nil {
		return nil, err
	}
	return append([]Section{gateSection(rows, o.Sources)}, secs...), nil
}

// portraitsFromRun streams the portraits once for the headline, the lifecycle flow since the
// night the run continued, and the lifecycle, RFM and CLV sections; the headline is nil when the
// run has no portraits.
func portraitsFromRun(
	ctx context.Context,
	output, date string,
	m *sink.Manifest,
	o Options,
) ([]Section, *Headline, error) {
	info, ok := m.Tables[portraitsTable]
	if !ok {
		return []Section{
			missing("headline", "At a glance", portraitsTable),
			missing("flow", "Lifecycle flow", portraitsTable),
			missing("customers", "Customers", portraitsTable),
			missing("lifecycle", "Lifecycle", portraitsTable),
			missing("rfm", "RFM grid", portraitsTable),
			missing("clv", "Customer lifetime value", portraitsTable),
			missing("predictions", "Purchase and churn predictions", portraitsTable),
		}, nil, nil
	}
	previous := m.Previous
	if previous == "" {
		previous = o.Previous
	}
	fl, err := previousStages(ctx, o.History, previous)
	if err != nil {
		return nil, nil, err
	}
	s, who, sc := newPortraitStats(), newProfile(), &scores{}
	err = streamTable(ctx, output, date, portraitsTable, info.Files, func(row any) {
		p := row.(schemas.Portrait)
		s.add(&p)
		fl.add(&p)
		who.add(&p)
		sc.add(&p)
	})
	if err != nil {
		return nil, nil, err
	}
	secs, err := portraitSections(s, o.CLVBins)
	if err != nil {
		return nil, nil, err
	}
	card, err := predictionCardOf(ctx, output, date, o)
	if err != nil {
		return nil, nil, err
	}
	pred, err := predictionSection(card, sc)
	if err != nil {
		return nil, nil, err
	}
	h := headlineOf(date, s)
	loc := businessZone(m, o)
	if who.purchases, err = purchaseClock(ctx, output, date, m, loc); err != nil {
		return nil, nil, err
	}
	who.zone = loc.String()
	customers, err := who.section()
	if err != nil {
		return nil, nil, err
	}
	secs = append([]Section{fl.section(s.stages()), customers}, append(secs, pred)...)
	return secs, &h, nil
}

func segmentsFromRun(
	ctx context.Context,
	output, date string,
	m *sink.Manifest,
	_ Options,
) ([]Section, error) {
	if _, ok := m.Tables[segmentsTable]; !ok {
		return []Section{missing("segments", "Segments", segmentsTable)}, nil
	}
	rows, err := sink.ReadTable[schemas.SegmentSummary](ctx, output, date, segmentsTable)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	sec, err := segmentSection(rows)
	return []Section{sec}, err
}

func affinityFromRun(
	ctx context.Context,
	output, date string,
	m *sink.Manifest,
	o Options,
) ([]Section, error) {
	if _, ok := m.Tables[affinityTable]; !ok {
		return []Section{missing("affinity", "Top affinity rules", affinityTable)}, nil
	}
	rows, err := sink.ReadTable[schemas.AffinityRule](ctx, output, date, affinityTable)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	sec, err := affinitySection(rows, o.TopRules)
	return []Section{sec}, err
}

// modelCardFromRun lists the model card: the model_card table when the run has one (and the
// schemas know it), else the JSON file, else a note.
func modelCardFromRun(
	ctx context.Context,
	output, date string,
	m *sink.Manifest,
	o Options,
) ([]Section, error) {
	sec := Section{ID: "model", Title: tr("Model card"),
		Intro: tr("The night's models and the global figures every portrait was computed with.")}
	if info, ok := m.Tables[modelCardTable]; ok {
		if _, err := schemas.Lookup(modelCardTable); err == nil {
			var rows []any
			if err := streamTable(ctx, output, date, modelCardTable, info.Files, func(r any) {
				rows = append(rows, r)
			}); err != nil {
				return nil, err
			}
			sec.Blocks = []Block{{Table: modelCardRows(trf("%s table", modelCardTable), rows)}}
			return []Section{sec}, nil
		}
	}
	data, ok, err := readOptional(ctx, inRun(output, date, o.ModelCardFile))
	if err != nil {
		return nil, err
	}
	if !ok {
		sec.Note = trf(
			"This run has no model card (no %s table, no %s): section skipped.",
			modelCardTable,
			o.ModelCardFile,
		)
		return []Section{sec}, nil
	}
	t, err := modelCardJSON(o.ModelCardFile, data)
	if err != nil {
		return nil, err
	}
	if say := purchaseModelSentence(data); say != "" {
		sec.Intro += " " + say
	}
	sec.Blocks = []Block{{Table: t}}
	pred, ok, err := readOptional(ctx, inRun(output, date, o.PredictionCardFile))
	if err != nil {
		return nil, err
	}
	if ok {
		pt, err := modelCardJSON(o.PredictionCardFile, pred)
		if err != nil {
			return nil, err
		}
		sec.Blocks = append(sec.Blocks, Block{Table: pt})
	}
	return []Section{sec}, nil
}
