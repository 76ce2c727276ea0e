// Package resolve cuts the cleaned records into persons: it builds the identity graph of every
// identifier the records carry (accounts, phones, e-mails, vendor phone hashes, devices, cookies,
// tickets, review-site posts), guards it against over-merging, links weak records to accounts, and
// second accounts to first ones, with Fellegi-Sunter models (package linkage), labels the connected
// components, and names each person with an id that stays stable from one night to the next.
//
// How it scales: every record tells which identifiers it carries and which account it belongs to;
// one merge per identifier (in batches per hash bucket, see mergeFacts) joins that with last
// night's person id. An identifier seen with one account simply belongs to it; only identifiers
// that tie several accounts together, and links made without an account (a ticket's phone, a vendor
// row, a match), form the reduced graph whose connected components need rounds of shuffles. That
// graph is a small share of the identifiers, so the rounds are cheap; everything else costs a fixed
// number of shuffles. The collections of one element per identifier (node facts, members on their
// way to their person) cross them as byte batches per hash bucket (package batch), since a local
// runner holds each of them whole between stages.
//
// Guards (each reported in quality counts under source `identity`, stage `resolve`, measure
// `guard`, and on the identifier's identity_map row):
//   - blocklist: junk values (placeholder phones, test e-mails, all-zero devices) link nothing and
//     get no person;
//   - max_accounts: an identifier seen with more accounts than its type allows links nobody;
//   - max_links: an identifier linked to more identifiers without an account links nobody;
//   - max_accounts_per_person: a component with more accounts is cut again, joining identifier
//     types in priority order (identity.Types) while the cap holds.
package resolve

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/settle"
)

// Inputs are what the resolve stage reads.
type Inputs struct {
	// Rows are cleaned rows of the kinds that carry identity: users, orders, events, touches,
	// reviews, tickets, vendor profiles and site posts (schemas structs).
	Rows []beam.PCollection
	// Users, Tickets and Posts feed the probabilistic matching (schemas.User, schemas.Ticket,
	// schemas.SitePost); each may be an empty PCollection.
	Users, Tickets, Posts beam.PCollection
	// Orders (schemas.Order) give the accounts of the orders tickets cite (OrderLinks); it may be
	// an empty PCollection.
	Orders beam.PCollection
	// PreviousIdentity and PreviousPersons are last night's identity_map and persons tables
	// (schemas.IdentityLink, schemas.Person); empty on the first night.
	PreviousIdentity, PreviousPersons beam.PCollection
}

// Outputs are what the resolve stage gives the later stages and the sink.
type Outputs struct {
	// Identity maps every identifier's node key (identity.Key) to its person id: KV<string, string>.
	// It carries raw identifiers: it stays in the pipeline and never reaches an output.
	Identity beam.PCollection
	// IdentityMap, Persons and MergeHistory are the tables identity_map, persons and merge_history.
	IdentityMap, Persons, MergeHistory beam.PCollection
	// Counts are quality (key, count) pairs: guards that fired, matches, persons, merges and splits.
	Counts beam.PCollection
	// MatchCard is one MatchCard: what the night's probabilistic matching fitted.
	MatchCard beam.PCollection
}

// Options are what every resolve DoFn needs besides the Config.
type Options struct {
	// Date is the business day being built, YYYY-MM-DD: the birthday of new person ids.
	Date string
	// Salt says where the hashing salt comes from (the clean stage's options).
	Salt clean.Options
}

// Resolve builds persons from the cleaned rows. See the package comment for the steps.
func Resolve(s beam.Scope, in Inputs, cfg Config, opt Options) Outputs {
	s = s.Scope("resolve.Resolve")
	var facts, counts []beam.PCollection
	for _, rows := range in.Rows {
		n, c := beam.ParDo2(s, &extractFn{Config: cfg, Salt: opt.Salt}, rows)
		facts, counts = append(facts, n), append(counts, c)
	}
	facts = append(facts, beam.ParDo(s, previousNode, in.PreviousIdentity))
	matched, mcounts, card := Match(s, in.Users, in.Tickets, in.Posts, cfg.Match, opt)
	cited, ocounts := OrderLinks(s, in.Tickets, in.Orders, opt)
	facts, counts = append(facts, matched, cited), append(counts, mcounts, ocounts)
	nodes := mergeFacts(s, facts...)

	members, accountEdges, msgs, rcounts := beam.ParDo4(s, &representFn{Config: cfg}, nodes)
	partnerEdges := beam.ParDo(s, partnerEdgesFn, beam.GroupByKey(s, msgs))
	labels := Components(s, beam.Flatten(s, accountEdges, partnerEdges), cfg.Rounds)
	rooted := beam.ParDo(s, &rootFn{}, members, beam.SideInput{Input: settle.Whole(s, labels)})

	memberParts, parts, acounts := beam.ParDo3(
		s,
		&assembleFn{MaxAccounts: cfg.MaxAccountsPerPerson},
		beam.GroupByKey(s, rooted),
	)
	owned := beam.ParDo(s, ownerFn, beam.GroupByKey(s, beam.ParDo(s, claimsFn, parts)))
	assigned, persons, history, icounts := beam.ParDo4(
		s,
		&assignFn{Date: opt.Date, Salt: opt.Salt},
		beam.CoGroupByKey(
			s,
			beam.ParDo(s, keyPart, parts),
			owned,
		),
		beam.SideInput{Input: settle.Whole(s, in.PreviousPersons)},
	)
	identity, rows := beam.ParDo2(
		s,
		&identityFn{},
		memberParts,
		beam.SideInput{Input: settle.Whole(s, assigned)},
	)
	counts = append(counts, rcounts, acounts, icounts)
	return Outputs{
		Identity:     identity,
		IdentityMap:  rows,
		Persons:      persons,
		MergeHistory: history,
		Counts:       quality.Flatten(s, counts...),
		MatchCard:    card,
	}
}

// previousNode carries last night's person id of an identifier into tonight's node facts.
func previousNode(l schemas.IdentityLink) (string, node) { return l.IDHash, node{Prev: l.PersonID} }

func init() {
	register.Function1x2(previousNode)
}
