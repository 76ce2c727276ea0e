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
		Evidence: []int{1, noEvidence, noEvidence}}
	postModel = model{Name: "post",
		Fields: []string{"phone_last4", "phone_prefix3", "nickname", "email_local", "city"},
		Comparators: []linkage.Comparator{
			linkage.Exact{},
			linkage.Exact{},
			linkage.JaroWinklerLevels{Thresholds: []float64{0.9, 0.75}},
			linkage.JaroWinklerLevels{Thresholds: []float64{0.9, 0.75}},
			linkage.Exact{},
		},
		// The phone's last four digits, or the nickname or handle written exactly as on the account.
		Evidence: []int{0, noEvidence, 0, 0, noEvidence}}
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

// handle is a name's ASCII letters only: e-mail local parts and pinyin handles without their digits.
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

// firstRune is the first character of s, "" when empty.
func firstRune(s string) string {
	_, size := utf8.DecodeRuneInString(s)
	return s[:size]
}

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
		c.Blocks = blocks(0, []string{"p7", n[:7]}, []string{"l4", n[7:]})
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
		Values: []string{last4, prefix3, nick, handle(p.Nickname), ci}}
	c.Blocks = postBlocks(last4, ci, nick, handle(p.Nickname))
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
			Blocks: blocks(0, []string{"p7", n[:7]}, []string{"l4", n[7:]})})
	}
	last4, prefix3 := "", ""
	if n != "" {
		last4, prefix3 = n[7:], n[:3]
	}
	h := handle(local)
	if h == "" {
		h = handle(u.Name)
	}
	out = append(out, candidate{Model: 1, Key: key, Values: []string{last4, prefix3, nick, h, ci},
		Blocks: postBlocks(last4, ci, nick, h)})
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
	return candidate{Model: accountModelIndex, Weak: true, Key: identity.Key(identity.Account, u.UserID),
		Values: []string{nameValue(name, hs), u.Birthday, year, u.Gender, city(u.City), u.RegistrationChannel},
		Blocks: blocks(accountModelIndex, keys...)}
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

// minHandle is the fewest letters a handle needs to tell people apart (initials such as "zw" do not).
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

// postBlocks are the post model's blocking keys: the phone's last four digits, the city with the
// name's first character, and the first four letters of the handle.
func postBlocks(last4, city, nick, handle string) []string {
	return blocks(1, []string{"l4", last4}, []string{"cn", city, firstRune(nick)}, []string{"h4", first(handle, 4)})
}

// first returns the first n bytes of an ASCII string, or "" when it is shorter.
func first(s string, n int) string {
	if len(s) < n {
		return ""
	}
	return s[:n]
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
