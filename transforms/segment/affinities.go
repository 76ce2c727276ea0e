package segment

import (
	"reflect"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
)

// affinities mines the association rules of the paid orders' baskets (SKU and category level)
// and suggests each person the next best products their purchases fire. Mining runs on one
// worker that holds every basket and the catalog's SKU → category map: measured on baskets of two
// to three SKUs, a million baskets take 120 MB to hold and 240 MB more to mine (2.4 s), so a worker
// of 8 GB holds about ten million. Every recommending worker holds the SKU rules (at most
// max_rules).
func affinities(
	s beam.Scope,
	in Inputs,
	orderPersons beam.PCollection,
	cfg AffinityConfig,
) (rules, nbp beam.PCollection) {
	s = s.Scope("affinity")
	items := beam.ParDo(s, itemSKU, in.OrderItems)
	baskets, purchases := beam.ParDo2(s, basketOf, beam.CoGroupByKey(s, orderPersons, items))
	rules, best := beam.ParDo2(
		s,
		&mineFn{Cfg: cfg},
		beam.Impulse(s),
		beam.SideInput{Input: baskets},
		beam.SideInput{Input: in.Products},
	)
	bought := beam.CombinePerKey(s, unionSorted, purchases)
	nbp = beam.ParDo(s, &recommendFn{N: cfg.Recommendations}, bought,
		beam.SideInput{Input: rules}, beam.SideInput{Input: best},
		beam.SideInput{Input: in.Products})
	return rules, nbp
}

func itemSKU(i schemas.OrderItem) (string, string) { return i.OrderID, i.SKU }

// basketOf makes the basket of a paid order whose person is known: its distinct SKUs, sorted,
// for mining, and keyed by the person, for their purchases.
func basketOf(
	_ string,
	persons func(*string) bool,
	skus func(*string) bool,
	baskets func([]string),
	purchases func(string, []string),
) {
	var person, sku string
	if !persons(&person) {
		return // not a paid order of a known person
	}
	var b []string
	for skus(&sku) {
		b = append(b, sku)
	}
	if len(b) == 0 {
		return
	}
	slices.Sort(b)
	b = slices.Compact(b)
	baskets(b)
	purchases(person, b)
}

// unionSorted merges two sorted sets.
func unionSorted(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// mineFn mines both levels once, on one worker, and ranks each category's best sellers.
type mineFn struct {
	Cfg AffinityConfig
}

func (f *mineFn) ProcessElement(
	_ []byte,
	baskets func(*[]string) bool,
	products func(*schemas.Product) bool,
	emit func(schemas.AffinityRule),
	best func(bestSellers),
) error {
	category := map[string]string{}
	var p schemas.Product
	for products(&p) {
		category[p.SKU] = p.Category
	}
	var skus, cats [][]string
	var b []string
	for baskets(&b) {
		skus = append(skus, b)
		cats = append(cats, categoriesOf(b, category))
		b = nil // the next basket decodes into a slice of its own
	}
	for _, bs := range rankBestSellers(skus, category, f.Cfg.Recommendations) {
		best(bs)
	}
	for _, level := range []struct {
		name    string
		baskets [][]string
	}{{LevelSKU, skus}, {LevelCategory, cats}} {
		rows, err := mineLevel(level.name, level.baskets, f.Cfg)
		if err != nil {
			return err
		}
		for _, r := range rows {
			emit(r)
		}
	}
	return nil
}

// categoriesOf is a basket's distinct categories, sorted; SKUs missing from the catalog are left
// out.
func categoriesOf(skus []string, category map[string]string) []string {
	var out []string
	for _, s := range skus {
		if c := category[s]; c != "" {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// recommendFn suggests a person's next best products; the rules, the best sellers and the
// catalog's categories are indexed once per worker.
type recommendFn struct {
	N int

	rec *recommender
}

func (f *recommendFn) ProcessElement(
	person string,
	bought []string,
	rules func(*schemas.AffinityRule) bool,
	best func(*bestSellers) bool,
	products func(*schemas.Product) bool,
	emit func(schemas.NextBestProduct),
) {
	if f.rec == nil {
		var rows []schemas.AffinityRule
		for r := (schemas.AffinityRule{}); rules(&r); {
			rows = append(rows, r)
		}
		var sellers []bestSellers
		for b := (bestSellers{}); best(&b); b = (bestSellers{}) {
			sellers = append(sellers, b)
		}
		category := map[string]string{}
		for p := (schemas.Product{}); products(&p); {
			category[p.SKU] = p.Category
		}
		f.rec = newRecommender(rows, sellers, category)
	}
	for _, p := range f.rec.recommend(person, bought, f.N) {
		emit(p)
	}
}

func init() {
	register.Function1x2(itemSKU)
	register.Function5x0(basketOf)
	register.Function2x1(unionSorted)
	fnreg.DoFn5x1[[]byte, func(*[]string) bool, func(*schemas.Product) bool,
		func(schemas.AffinityRule), func(bestSellers), error](
		&mineFn{},
	)
	fnreg.DoFn6x0[string, []string, func(*schemas.AffinityRule) bool, func(*bestSellers) bool,
		func(*schemas.Product) bool, func(schemas.NextBestProduct)](
		&recommendFn{},
	)
	beam.RegisterType(reflect.TypeOf(bestSellers{}))
	register.Emitter1[bestSellers]()
	register.Iter1[bestSellers]()
	register.Emitter1[[]string]()
	register.Emitter2[string, []string]()
	register.Emitter1[schemas.AffinityRule]()
	register.Emitter1[schemas.NextBestProduct]()
	register.Iter1[[]string]()
	register.Iter1[schemas.Product]()
	register.Iter1[schemas.AffinityRule]()
}
