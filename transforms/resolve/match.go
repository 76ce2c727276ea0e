package resolve

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/settle"
)

// Match links weak records to accounts with three Fellegi-Sunter models: tickets that name no
// account (the caller's name and a phone that may be mistyped), review-site posts (nickname, city
// and a partial phone), and accounts with each other (a second account that shares no phone,
// e-mail or device with the first: name or handle, birthday, birth year, gender, city, channel).
// Candidate pairs come from blocking (tickets and posts on keys of two pieces of evidence, see
// ticketBlocks and postBlocks; accounts are blocked for them only on keys some weak record has, so
// the shuffle stays the size of the weak records' neighbourhoods; accounts are
// blocked with each other on their name and each handle, a name more than MaxAccountBlock
// accounts share only within a birth year). m and u are estimated per model by EM over the
// histogram of comparison vectors (for tickets and posts, of a bounded fitting sample blocked wide:
// fitCandidates), u starting from random pairs of a bounded sample. Account pairs
// are scored with a term-frequency adjustment against the prior of two random accounts
// (accountScore). The post model is fitted rule by rule and scored against one random account
// (fitSessions). A weak record joins its best account when the match probability reaches the
// threshold and no other account does; a post, when its best account holds that share of the odds
// of all its candidates and of none (oneOfAccounts), none weighing as much as the share of such
// records without an owner that EM finds (ownerShare). The output is node facts (the weak record
// and the account as partners, with the score) for the identity graph; quality counts: pairs
// compared, blocks skipped, candidates, matches and ambiguous records per model; and the night's
// MatchCard.
func Match(
	s beam.Scope,
	users, tickets, posts beam.PCollection,
	cfg MatchConfig,
	opt Options,
) (facts, counts, card beam.PCollection) {
	s = s.Scope("resolve.Match")
	weak := beam.Flatten(
		s,
		beam.ParDo(s, ticketCandidates, tickets),
		beam.ParDo(s, postCandidates, posts),
	)
	accounts := beam.ParDo(s, userCandidates, users)
	selves := beam.ParDo(s, selfCandidates, users)
	sample := sampleOf(s, weak, selves, accounts)
	fitting := beam.ParDo(s, fitCandidates, beam.Impulse(s), beam.SideInput{Input: sample})
	weakKeys := beam.ParDo(s, blockKeys, beam.Flatten(s, weak, fitting))
	blocked := beam.Flatten(
		s,
		beam.ParDo(
			s,
			&accountBlocksFn{},
			accounts,
			beam.SideInput{Input: settle.Whole(s, weakKeys)},
		),
		beam.ParDo(
			s,
			candidateBlocks,
			weak,
		),
		beam.ParDo(s, candidateBlocks, fitting),
		beam.ParDo(s, candidateBlocks, selves),
	)
	pairs, compared := beam.ParDo2(
		s,
		&compareFn{MaxBlock: cfg.MaxBlock, MaxAccountBlock: cfg.MaxAccountBlock},
		beam.GroupByKey(s, blocked),
	)
	byWeak := beam.GroupByKey(s, pairs)
	hist := stats.SumPerKey(s, beam.ParDo(s, patternsOf, byWeak))
	params := beam.ParDo(
		s,
		&estimateFn{Config: cfg},
		beam.Impulse(s),
		beam.SideInput{Input: hist},
		beam.SideInput{Input: sample},
		beam.SideInput{Input: sharedPairs(s, accounts)},
	)
	// The owner shares' histogram comes out of a shuffle, as byWeak does: settled, so that no
	// scoring reads it half made (package settle).
	owned := settle.Whole(
		s,
		stats.Count(s, beam.ParDo(s, &oddsBinFn{}, byWeak, beam.SideInput{Input: params})),
	)
	facts, scored := beam.ParDo2(
		s,
		&scoreFn{Threshold: cfg.Threshold, Salt: opt.Salt},
		byWeak,
		beam.SideInput{Input: params},
		beam.SideInput{Input: owned},
	)
	card = beam.ParDo(
		s,
		&cardFn{Threshold: cfg.Threshold},
		beam.Impulse(s),
		beam.SideInput{Input: params},
		beam.SideInput{Input: owned},
	)
	return facts, beam.Flatten(s, compared, scored), card
}

func init() {
	register.Function2x0(ticketCandidates)
	register.Function2x0(postCandidates)
	register.Function2x0(userCandidates)
	register.Function2x0(selfCandidates)
	register.Function2x0(blockKeys)
	register.Function3x0(fitCandidates)
	register.Function2x0(candidateBlocks)
	register.Function3x0(patternsOf)
	fnreg.DoFn3x0[candidate, func(*string) bool, func(string, candidate)](&accountBlocksFn{})
	fnreg.DoFn5x0[context.Context, string, func(*candidate) bool, func(string, pair),
		func(string, int64)](
		&compareFn{},
	)
	register.Combiner3[sample, candidate, sample](&sampleFn{})
	register.Combiner1[sample](&mergeSamplesFn{})
	fnreg.DoFn5x1[[]byte, func(*string, *int64) bool, func(*sample) bool, func(*int8, *int64) bool,
		func(string), error](
		&estimateFn{},
	)
	register.Function2x0(sharedValue)
	register.Function3x0(pairsOfValue)
	register.Emitter2[int8, int64]()
	register.Iter2[int8, int64]()
	fnreg.DoFn7x1[context.Context, string, func(*pair) bool, func(*string) bool,
		func(*oddsBin, *int) bool, func(string, node), func(string, int64), error](
		&scoreFn{},
	)
	fnreg.DoFn4x1[string, func(*pair) bool, func(*string) bool, func(oddsBin), error](&oddsBinFn{})
	fnreg.DoFn4x1[[]byte, func(*string) bool, func(*oddsBin, *int) bool, func(MatchCard), error](
		&cardFn{},
	)
	register.Emitter1[MatchCard]()
	register.Emitter1[oddsBin]()
	register.Iter2[oddsBin, int]()
	register.Emitter1[candidate]()
	register.Emitter2[string, candidate]()
	register.Emitter2[string, pair]()
	register.Iter1[candidate]()
	register.Iter1[pair]()
	register.Iter1[sample]()
	register.Iter2[string, int64]()
}
