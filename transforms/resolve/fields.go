package resolve

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
	"github.com/shopportraits/portraits/transforms/resolve/linkage"
)

// model is one Fellegi-Sunter model: weak records of one kind against accounts.
type model struct {
	Name        string
	Fields      []string
	Comparators []linkage.Comparator
	// Evidence lists, per field, the worst level that counts as direct evidence; a pair is linked
	// only when some field reaches its level. Fuzzy agreement on weak fields alone (the same city, a
	// similar two-character nickname) can outweigh nothing in EM's eyes yet joins strangers.
	Evidence []int
	// Accounts marks a model whose weak records are accounts compared with each other (second
	// accounts of one person), not with the accounts of another kind of record.
	Accounts bool
	// SharedU, when above zero, is the index of a field whose first level (the same value) has its
	// u measured over the accounts themselves, as the share of account pairs that share the value
	// (sharedPairs), instead of from random pairs. A value as rare as an e-mail's local part,
	// digits and all, is shared by so few pairs that random pairs seldom draw one, and the
	// smoothed estimate then sets its weight by the sample's size, not by the value's rarity.
	SharedU int
	// FixU keeps u at the random pairs' frequencies while EM fits m and the match share. The
	// fitting pairs agree on part of the blocked field by construction, and EM, left free, lets u
	// of agreement soak that up and splits the pairs on another field instead.
	FixU bool
	// Sessions, when set, fits the model rule by rule (fitSessions): it names each wide blocking
	// rule with the fields that rule makes agree. Such a model is scored as one weak record that
	// belongs to at most one account (oneOfAccounts). Nil: one EM over every fitting pair, with u
	// estimated as well, and the match share of the fitting pairs as the prior.
	Sessions map[string][]int
}

// noEvidence marks a field that never counts as direct evidence.
const noEvidence = -1

// evident reports whether a comparison vector carries direct evidence under the model.
func (md model) evident(v linkage.Vector) bool {
	for f, l := range v {
		if md.Evidence[f] != noEvidence && reaches(l, md.Evidence[f]) {
			return true
		}
	}
	return false
}

// reaches reports whether a level is present and at least as close as the worst one allowed.
func reaches(l int8, worst int) bool { return l != linkage.Missing && int(l) <= worst }

// The two models. Field values are prepared by ticketValues, postValues and accountValues.
var (
	ticketModel = model{Name: "ticket",
		Fields: []string{"phone", "name", "surname"},
		Comparators: []linkage.Comparator{
			linkage.LevenshteinLevels{Thresholds: []int{1}},
			linkage.JaroWinklerLevels{Thresholds: []float64{0.9, 0.7}},
			linkage.Exact{},
		},
		// The phone, exact or one typo away.
		Evidence: []int{1, noEvidence, noEvidence},
		// Left free, EM gave the phone's exact agreement a weight of 0.05 bits on the sample: the
		// fitting blocks share seven or four of its digits, most pairs in them are the ticket's own
		// account, and the classes EM found were "same name" and "another name".
		FixU: true}
	postModel = model{Name: "post",
		Fields: []string{"phone_last4", "phone_prefix3", "nickname", "email_local", "city"},
		Comparators: []linkage.Comparator{
			linkage.Exact{},
			linkage.Exact{},
			linkage.JaroWinklerLevels{Thresholds: []float64{0.9, 0.75}},
			localLevels{linkage.JaroWinklerLevels{Thresholds: []float64{0.9, 0.75}}},
			linkage.Exact{},
		},
		// The phone's last four digits, or the nickname, e-mail local part or handle written
		// exactly as on the account.
		Evidence: []int{0, noEvidence, 0, levelLocalHandle, noEvidence},
		// Two accounts seldom share an e-mail's local part digits and all; random pairs, a few
		// hundred thousand, see it too rarely to tell how rarely.
		SharedU: postEmailLocal,
		// widePostBlocks' rules: the last four digits; the handle's first four letters (which the
		// name, often the handle spelt out, follows).
		Sessions: map[string][]int{"l4": {postLast4}, "h4": {postNickname, postEmailLocal}}}
	// accountModel finds a person's second account, which shares no phone, e-mail or device with
	// the first: the same display name or handle (the letters of the e-mail, of the name, or the
	// pinyin of a Chinese name), with the birthday, birth year, gender, city and channel weighing
	// for or against. The name and the handles are one field, since a handle is often the name
	// spelt in letters. Scoring adjusts the weight of an exact name or handle by how many accounts
	// share it (term frequency): a common name is weak evidence, a rare one strong (accountScore).
	accountModel = model{Name: "account",
		Fields: []string{"name", "birthday", "birth_year", "gender", "city", "channel"},
		Comparators: []linkage.Comparator{
			nameLevels{linkage.JaroWinklerLevels{Thresholds: []float64{0.9}}},
			linkage.Exact{},
			linkage.NumericLevels{Thresholds: []float64{1}},
			linkage.Exact{},
			linkage.Exact{},
			linkage.Exact{},
		},
		// The name or a handle exactly.
		Evidence: []int{levelHandle, noEvidence, noEvidence, noEvidence, noEvidence, noEvidence},
		Accounts: true}
	models = []model{ticketModel, postModel, accountModel}
)

// accountModelIndex is accountModel's index in models.
const accountModelIndex int8 = 2

// Fields of the post model by position.
const (
	postLast4 = iota
	_
	postNickname
	postEmailLocal
	postCity
)

// localLevels compares a post's nickname with an account's e-mail local part (values made by
// localValue: the simplified local part, a tab, its handle): "local" when the local parts are the
// same, digits and all (huapan120493); else the handles' levels under Handles, one further on;
// Missing when either has no handle.
type localLevels struct {
	Handles linkage.JaroWinklerLevels
}

// Levels of localLevels.
const (
	levelLocal       = 0 // the same local part
	levelLocalHandle = 1 // the same handle
)

// Levels implements linkage.Comparator.
func (c localLevels) Levels() []string {
	return append([]string{"local"}, c.Handles.Levels()...)
}

// Compare implements linkage.Comparator.
func (c localLevels) Compare(a, b string) int {
	la, ha, _ := strings.Cut(a, nameSep)
	lb, hb, _ := strings.Cut(b, nameSep)
	if la != "" && la == lb {
		return levelLocal
	}
	l := c.Handles.Compare(ha, hb)
	if l == linkage.Missing {
		return l
	}
	return l + 1
}

// localValue joins a simplified local part (or nickname) and its handle into localLevels' value.
func localValue(local, handle string) string { return local + nameSep + handle }

// Fields of the account model by position.
const (
	accountName = iota
	_
	accountYear
)

// candidate is one record prepared for one model: the weak record or an account.
type candidate struct {
	Model  int8 // index into models
	Weak   bool
	Key    string   // node key
	Values []string // field values in the model's order
	Blocks []string // blocking keys, model-prefixed
	// Wide are the ticket and post models' fitting keys (wideTicketBlocks, widePostBlocks),
	// model-prefixed; Fit marks a weak record of the fitting sample blocked on them.
	Wide []string
	Fit  bool
}

// national returns the 11-digit national number of a Chinese mobile, else "".
func national(e164 string) string {
	if normalize.IsMobileCN(e164) {
		return e164[3:]
	}
	return ""
}

// simplify lower-cases a name and drops spaces and punctuation.
func simplify(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// handle is a name's ASCII letters only: e-mail local parts and pinyin handles without their
// digits.
func handle(s string) string {
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && unicode.IsLetter(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// surname is the first character of a Chinese name, else the first letters up to a space.
func surname(name string) string {
	name = strings.TrimSpace(name)
	r, size := utf8.DecodeRuneInString(name)
	if unicode.Is(unicode.Han, r) {
		return name[:size]
	}
	first, _, _ := strings.Cut(name, " ")
	return simplify(first)
}

// city drops the 市 suffix people add or leave out.
func city(c string) string { return strings.TrimSuffix(strings.TrimSpace(c), "市") }

// blocks names a record's blocking keys for model m, leaving out keys with an empty part.
func blocks(m int8, keys ...[]string) []string {
	var out []string
	for _, parts := range keys {
		if slices.Contains(parts, "") {
			continue
		}
		out = append(out, models[m].Name+"/"+strings.Join(parts, "|"))
	}
	return out
}

// ticketCandidate prepares a ticket that names no account; ok is false for the others.
func ticketCandidate(t schemas.Ticket) (candidate, bool) {
	if t.UserID != "" || t.TicketID == "" {
		return candidate{}, false
	}
	n := national(t.Phone)
	c := candidate{Model: 0, Weak: true, Key: identity.Key(identity.Ticket, t.TicketID),
		Values: []string{n, simplify(t.Name), surname(t.Name)}}
	if n != "" {
		c.Blocks, c.Wide = ticketBlocks(n, surname(t.Name), false), wideTicketBlocks(n)
	}
	return c, len(c.Blocks) > 0
}

// postCandidate prepares a review-site post.
func postCandidate(p schemas.SitePost) candidate {
	last4, prefix3 := "", ""
	if h := p.PhoneHint; len(h) >= 8 {
		last4 = h[len(h)-4:]
		if !strings.HasPrefix(h, "*") {
			prefix3 = h[:3]
		}
	}
	nick, ci := simplify(p.Nickname), city(p.City)
	c := candidate{Model: 1, Weak: true, Key: identity.Key(identity.Post, p.PostID),
		Values: []string{last4, prefix3, nick, localValue(nick, handle(p.Nickname)), ci}}
	var hs []string
	if h := handle(p.Nickname); len(h) >= minHandle {
		hs = []string{h}
	}
	c.Blocks, c.Wide = postBlocks(
		last4,
		prefix3,
		ci,
		nick,
		hs,
		false,
	), widePostBlocks(
		last4,
		handle(p.Nickname),
	)
	return c
}

// accountCandidates prepares an account for both models.
func accountCandidates(u schemas.User) []candidate {
	key := identity.Key(identity.Account, u.UserID)
	n := national(u.Phone)
	local, _, _ := strings.Cut(u.Email, "@")
	nick, ci := simplify(u.Name), city(u.City)
	var out []candidate
	if n != "" {
		out = append(out, candidate{Model: 0, Key: key, Values: []string{n, nick, surname(u.Name)},
			Blocks: ticketBlocks(n, surname(u.Name), true), Wide: wideTicketBlocks(n)})
	}
	last4, prefix3 := "", ""
	if n != "" {
		last4, prefix3 = n[7:], n[:3]
	}
	h := handle(local)
	if h == "" {
		h = handle(u.Name)
	}
	out = append(
		out,
		candidate{
			Model:  1,
			Key:    key,
			Values: []string{last4, prefix3, nick, localValue(simplify(local), h), ci},
			Blocks: postBlocks(
				last4,
				prefix3,
				ci,
				nick,
				handles(u.Name, u.Email),
				true,
			),
			Wide: widePostBlocks(last4, h),
		},
	)
	return out
}

// selfCandidate prepares an account for the account model: its display name, its handles (see
// handles), birthday, birth year, gender, city and registration channel, blocked on the name and on
// each handle.
func selfCandidate(u schemas.User) candidate {
	year := ""
	if u.BirthYear > 0 {
		year = strconv.Itoa(int(u.BirthYear))
	}
	name := simplify(u.Name)
	hs := handles(name, u.Email)
	keys := [][]string{{"n", name}}
	for _, h := range hs {
		keys = append(keys, []string{"h", h})
	}
	return candidate{
		Model: accountModelIndex,
		Weak:  true,
		Key:   identity.Key(identity.Account, u.UserID),
		Values: []string{
			nameValue(name, hs),
			u.Birthday,
			year,
			u.Gender,
			city(u.City),
			u.RegistrationChannel,
		},
		Blocks: blocks(accountModelIndex, keys...),
	}
}

// handles are the ways an account spells its holder's name in letters, each of at least minHandle
// letters, sorted and once each: the letters of the e-mail's local part and of the (simplified)
// display name, and for a Chinese name its pinyin, surname first and given name first (wanglei
// and leiwang).
func handles(name, email string) []string {
	local, _, _ := strings.Cut(email, "@")
	forms := []string{handle(local), handle(name)}
	if syl := namePinyin(name); len(syl) > 1 {
		forms = append(forms, strings.Join(syl, ""), strings.Join(syl[1:], "")+syl[0])
	}
	forms = slices.DeleteFunc(forms, func(h string) bool { return len(h) < minHandle })
	slices.Sort(forms)
	return slices.Compact(forms)
}

// minHandle is the fewest letters a handle needs to tell people apart (initials such as "zw" do
// not).
const minHandle = 4

// nameValue joins an account's simplified name and its handles into the name field's value.
func nameValue(name string, handles []string) string {
	return name + nameSep + strings.Join(handles, formSep)
}

const (
	nameSep = "\t" // between the name and the handles in the name field's value
	formSep = " "  // between handles
)

// Levels of the account model's name field (nameLevels).
const (
	levelName   = 0 // the same name
	levelHandle = 1 // another name, the same handle
)

// nameLevels compares accounts' names and handles (values made by nameValue): the same name; else
// the same handle; else the closest level of any two handles under Handles, shifted past the first
// two ("else" when either has no handle); Missing when either has neither name nor handle.
type nameLevels struct {
	Handles linkage.JaroWinklerLevels
}

// Levels implements linkage.Comparator.
func (c nameLevels) Levels() []string {
	return append([]string{"name", "handle"}, c.Handles.Levels()[1:]...)
}

// Compare implements linkage.Comparator.
func (c nameLevels) Compare(a, b string) int {
	na, ha, _ := strings.Cut(a, nameSep)
	nb, hb, _ := strings.Cut(b, nameSep)
	if (na == "" && ha == "") || (nb == "" && hb == "") {
		return linkage.Missing
	}
	if na != "" && na == nb {
		return levelName
	}
	if ha == "" || hb == "" {
		return len(c.Levels()) - 1
	}
	best := len(c.Levels()) - 1
	for x := range strings.SplitSeq(ha, formSep) {
		for y := range strings.SplitSeq(hb, formSep) {
			best = min(best, c.Handles.Compare(x, y)+1)
		}
	}
	return best
}

// Blocking keys of the ticket and post models. Each key joins two pieces of evidence, so that a
// block holds the accounts sharing both, a product of two small shares of the population; a key of
// one piece (the last four digits alone, a city and an initial) holds one share of it, and the
// pairs such keys make grow with the square of the population (ten times the persons, forty times
// the pairs). A weak record falls back on a one-piece key only when it lacks the second piece. An
// account (account true) names every key it could be found by; an account's key that no weak record
// has is never emitted (accountBlocksFn).

// wideTicketBlocks and widePostBlocks are the fitting keys of a bounded sample of tickets and posts
// (Match): one piece of evidence each, so that EM sees the non-matches of every kind (the same
// digits and another name, the same name and other digits) in the proportions it learns u from.
// Scoring never uses them: their blocks grow with the population.
func wideTicketBlocks(national string) []string {
	return blocks(0, []string{"p7", national[:7]}, []string{"l4", national[7:]})
}

// widePostBlocks are the post model's: the last four digits, and the handle's first four letters.
// (The city with the name's first character was one too; its blocks share the surname, and the
// pinyin handles that follow it, so a rule on it leaves only the digits free for EM, too little to
// tell the matches.)
func widePostBlocks(last4, handle string) []string {
	h4 := ""
	if len(handle) >= 4 {
		h4 = handle[:4]
	}
	return blocks(1, []string{"l4", last4}, []string{"h4", h4})
}

// ticketBlocks are the ticket model's keys: the national phone's first seven digits and its last
// four, each with the surname (a mistyped digit spoils one half of the phone, rarely both). A
// ticket whose surname is not one Chinese character (a name in pinyin, none at all) is blocked on
// the digits alone.
func ticketBlocks(national, surname string, account bool) []string {
	p7, l4 := national[:7], national[7:]
	if utf8.RuneCountInString(surname) != 1 {
		surname = ""
	}
	keys := [][]string{{"p7s", p7, surname}, {"l4s", l4, surname}}
	if account || surname == "" {
		keys = append(keys, []string{"p7", p7}, []string{"l4", l4})
	}
	return blocks(0, keys...)
}

// postBlocks are the post model's keys: the phone's last four digits with its first three or with
// the city; the name written in full with the city; each handle with the city. A post without a
// city is blocked on the name and handles alone, and one with neither a city nor the first digits
// on the last four alone. (An account without a city is then found by digits and first digits
// only: blocking such accounts under an "unknown city" that every post also looks in found more
// posts at M but joined more of them wrongly, precision 0.9989 against 0.9994.)
func postBlocks(last4, prefix3, city, nick string, handles []string, account bool) []string {
	keys := [][]string{{"l4p", last4, prefix3}, {"l4c", last4, city}, {"nc", nick, city}}
	for _, h := range handles {
		keys = append(keys, []string{"hc", h, city})
	}
	if account || (city == "" && prefix3 == "") {
		keys = append(keys, []string{"l4", last4})
	}
	if account || city == "" {
		keys = append(keys, []string{"n", nick})
		for _, h := range handles {
			keys = append(keys, []string{"h", h})
		}
	}
	return blocks(1, keys...)
}

// compare returns the comparison vector of a weak record and an account of the same model.
func compare(a, b *candidate) linkage.Vector {
	cs := models[a.Model].Comparators
	v := make(linkage.Vector, len(cs))
	for i, c := range cs {
		v[i] = int8(c.Compare(a.Values[i], b.Values[i]))
	}
	return v
}
