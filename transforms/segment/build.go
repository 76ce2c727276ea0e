package segment

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/shopportraits/portraits/schemas"
)

// Inputs are what the segment stage reads.
type Inputs struct {
	// Portraits are the persons' portraits (schemas.Portrait).
	Portraits beam.PCollection
	// Orders, OrderItems, Products and Users are cleaned tables (schemas.Order, schemas.OrderItem,
	// schemas.Product, schemas.User with its in-memory E.164 Phone).
	Orders, OrderItems, Products, Users beam.PCollection
	// Identity maps identifier node keys (identity.Key) to person ids: KV<string, string>. Only the
	// account keys are read.
	Identity beam.PCollection
	// Again gives Portraits once more as soon as the given collections are complete, made again
	// rather than held by the runner meanwhile (portrait.Again): the value and cluster segments
	// wait for the deciles and the cluster model fitted on the portraits. nil: Portraits, which
	// the runner then holds meanwhile (small inputs only).
	Again func(s beam.Scope, after ...beam.PCollection) beam.PCollection
	// PreviousActivation is last night's activation table (schemas.Activation), the audiences
	// tonight's are compared with; unset for none (every line tonight is added).
	PreviousActivation beam.PCollection
	// Erased are the ids of the persons erased tonight (string); unset for none. Their lines of
	// last night's audiences are removed with the reason erased and no person id.
	Erased beam.PCollection
}

// Outputs are the stage's tables (rows of the schemas structs), its counts and its files.
type Outputs struct {
	// Membership is the table segment_membership in parts, one per kind of segment, each to be
	// written where it is made (package fanin says why).
	Membership []beam.PCollection
	// Summary, ClusterProfiles, AffinityRules, NextBestProducts, Activation, Changes and
	// Associations are the tables segment_summary, cluster_profiles, affinity_rules,
	// next_best_products, activation, activation_changes and characteristic_associations.
	Summary, ClusterProfiles, AffinityRules, NextBestProducts beam.PCollection
	Activation, Changes, Associations                         beam.PCollection
	// Counts are quality (key, count) pairs, KV<string, int64>: per activated segment (source
	// segment:<name>, stage activation) its members (in), the activated (out) and the excluded
	// (rejected, with the reason), so that in = out + rejected; and, when files are written, per
	// audience (source audience:<name>, stage changes) last night's lines (carried) and those
	// added (in), tonight's (out) and those removed (rejected, with the reason).
	Counts beam.PCollection
	// ActivationFiles lists the CSV files written (ActivationFile): full lists and changes.
	ActivationFiles beam.PCollection
}

// Tables returns the output tables by name, each as the collections that make it.
func (o Outputs) Tables() map[string][]beam.PCollection {
	one := func(c beam.PCollection) []beam.PCollection { return []beam.PCollection{c} }
	return map[string][]beam.PCollection{
		"segment_membership": o.Membership,
		"segment_summary":    one(o.Summary),
		"cluster_profiles":   one(o.ClusterProfiles),
		"affinity_rules":     one(o.AffinityRules),
		"next_best_products": one(o.NextBestProducts),
		"activation":         one(o.Activation),
		"activation_changes": one(o.Changes),

		"characteristic_associations": one(o.Associations),
	}
}

// Build adds the segment stage: rule, RFM, value and cluster segments of every portrait with their
// summary, product affinity rules and next best products from the paid orders, and the activation
// audiences with their CSV files. See the package comment for what runs where.
func Build(s beam.Scope, in Inputs, cfg Config) Outputs {
	s = s.Scope("segment.Build")
	members, candidates := beam.ParDo2(s, &classifyFn{Rules: cfg.Rules}, in.Portraits)
	cuts := valueCutsOf(s, in.Portraits)
	model := fitClusters(s, in.Portraits, cfg.Clusters)
	again := in.Portraits
	if in.Again != nil {
		again = in.Again(s, cuts, model)
	}
	valueMembers := values(s, again, cuts)
	clusterMembers, profiles := assignClusters(s, again, model)

	// Each kind of member is tallied where it is made, so that no member crosses a Flatten
	// (package fanin says why).
	var memberships, parts []beam.PCollection
	for _, m := range []beam.PCollection{members, valueMembers, clusterMembers} {
		rows, part := beam.ParDo2(s, &tallyFn{}, m)
		memberships, parts = append(memberships, rows), append(parts, part)
	}
	sums := beam.CombinePerKey(s, addStats, beam.Flatten(s, parts...))
	summary := beam.ParDo(s, &summaryFn{Rules: cfg.Rules, Previous: cfg.Previous}, beam.Impulse(s),
		beam.SideInput{Input: sums}, beam.SideInput{Input: model})

	phones, orderPersons := accounts(s, in)
	activate := &activateFn{WeeklyCap: cfg.Activation.WeeklyCap}
	activation, counts, lines, decisions := beam.ParDo4(s, activate,
		beam.CoGroupByKey(s, candidates, phones))
	files := writeCSVs(s, cfg, lines)
	changed, changedLines, changeCounts := changes(
		s,
		cfg,
		decisions,
		orEmpty(
			s,
			in.PreviousActivation,
			[]schemas.Activation{},
		),
		orEmpty(s, in.Erased, []string{}),
	)
	changeFiles := writeChangeCSVs(s, cfg, changedLines)
	allCounts := []beam.PCollection{counts}
	if cfg.Output != "" {
		allCounts = append(allCounts, changeCounts,
			beam.ParDo(s, fileCounts, beam.Flatten(s, files, changeFiles)))
	}

	rules, nbp := affinities(s, in, orderPersons, cfg.Affinity)
	return Outputs{
		Membership:       memberships,
		Summary:          summary,
		ClusterProfiles:  profiles,
		AffinityRules:    rules,
		NextBestProducts: nbp,
		Activation:       activation,
		Changes:          changed,
		Associations:     associations(s, in.Portraits, cfg.Associations),
		Counts: beam.Flatten(
			s,
			allCounts...),
		ActivationFiles: beam.Flatten(s, files, changeFiles),
	}
}

// orEmpty is c, or an empty collection of the type of empty when c is unset.
func orEmpty(s beam.Scope, c beam.PCollection, empty any) beam.PCollection {
	if c.IsValid() {
		return c
	}
	return beam.CreateList(s, empty)
}

// member says that a person is in a segment, with the figures the summary sums.
type member struct {
	Person, Segment, Kind string
	GMV, CLV              int64
}

// newMember makes the member row of a portrait.
func newMember(p *schemas.Portrait, kind, segment string) member {
	m := member{Person: p.PersonID, Segment: segment, Kind: kind, GMV: p.GMVFen}
	if p.CLV12mFen != nil {
		m.CLV = *p.CLV12mFen
	}
	return m
}

func init() {
	beam.RegisterType(typeOf[member]())
	beam.RegisterType(typeOf[stats]())
	beam.RegisterType(typeOf[candidate]())
	beam.RegisterType(typeOf[pick]())
}
